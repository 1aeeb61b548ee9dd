import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Simulators are witnesses, not mirrors: nothing in src/simulators/ may import the code they test
 * (src/providers, src/slack, src/workflow). Relative imports are matched by their depth, so that
 * src/simulators/slack/ importing its own `../json.ts` stays allowed while `../../slack/bot.ts` is refused.
 */
const UNDER_TEST = '(providers|slack|workflow)(/|$)';
const simulatorIndependence = [0, 1, 2, 3, 4].map((depth) => ({
  files: [`src/simulators/${'*/'.repeat(depth)}*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: `^(\\.\\./){${depth + 1}}${UNDER_TEST}|(^|/)src/${UNDER_TEST}`,
            message:
              'A simulator must not import the code it tests (src/providers, src/slack, src/workflow): write it from WIRE.md and the provider docs.',
          },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  {
    files: [
      'bench/**',
      'src/main.ts',
      'src/cli/**',
      'test/support/summary-reporter.ts',
      'test/crash/main.ts',
      'test/replicas/main.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  ...simulatorIndependence,
);
