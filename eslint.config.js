import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layering, enforced: which parts of src/ each folder may import. Dependencies point inward: domain/ is pure,
 * workflow/ owns the ports and sees only domain/ and shared/, adapters (store/, providers/, slack/) see the
 * workflow and domain but not each other, and simulators are witnesses that import none of the code they test.
 * `may` lists the folders (`name/`) and files of src/ a folder may import; a relative import that climbs out of
 * the folder to anything else is refused. Imports are relative everywhere in src/, so a pattern is generated per
 * depth: `../../x` leaves src/providers/jcs/ but not src/providers/jcs/sub/. Folders not listed (the outer ones:
 * cli/, sandbox/, ops/, config/, audit/) are free. test/lint/layering.test.ts proves each rule refuses.
 */
const LAYERS = {
  domain: {
    may: ['domain/', 'shared/'],
    why: 'domain/ is pure: it imports only domain/ and shared/',
    // No I/O either: no Node built-ins, no package but zod.
    packages: { regex: '^(?!\\.|zod(/|$))', message: 'domain/ is pure: no Node built-in or package but zod' },
  },
  shared: {
    may: ['shared/', 'log.ts'],
    why: 'shared/ is importable by every layer, so it imports none of them',
  },
  workflow: {
    may: ['workflow/', 'domain/', 'shared/', 'log.ts'],
    why: 'workflow/ owns the ports: it imports domain/ and shared/, never an adapter (slack/, providers/, store/) or an outer folder',
  },
  store: {
    may: ['store/', 'workflow/', 'domain/', 'shared/', 'audit/', 'files/', 'log.ts'],
    why: 'store/ is an adapter of the workflow’s Store port: it imports no other adapter (slack/, providers/) nor an outer folder',
  },
  providers: {
    may: ['providers/', 'workflow/', 'domain/', 'shared/', 'config/', 'log.ts'],
    why: 'providers/ are adapters of the workflow’s Provider port: they import no other adapter (slack/, store/) nor an outer folder',
    // Folders of src/providers/ that are not a provider but shared by all of them.
    common: ['http/'],
  },
  slack: {
    may: ['slack/', 'workflow/', 'domain/', 'shared/', 'config/', 'log.ts'],
    why: 'slack/ is an adapter of the workflow’s ports: it imports no other adapter (providers/, store/) nor an outer folder',
  },
  files: {
    may: ['files/', 'shared/', 'log.ts'],
    why: 'files/ is the file primitives the store and the audit log build on: it imports only shared/',
  },
  simulators: {
    may: ['simulators/'],
    why: 'A simulator must not import the code it tests (anything in src/ outside src/simulators/): write it from the public docs cited in docs/',
  },
};

/** Error and the other built-in error constructors, as an esquery regular expression. */
const BUILT_IN_ERROR = '/^(Aggregate|Eval|Range|Reference|Syntax|Type|URI)?Error$/';

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `dir/` matches the folder, anything else that exact file. */
const allowed = (may) =>
  may.map((m) => (m.endsWith('/') ? `${escape(m.slice(0, -1))}(/|$)` : `${escape(m)}$`)).join('|');

const layering = Object.entries(LAYERS).flatMap(([folder, layer]) =>
  [0, 1, 2, 3, 4].map((depth) => {
    const patterns = [{ regex: `^(\\.\\./){${depth + 1}}(?!${allowed(layer.may)})`, message: `${layer.why}.` }];
    if (layer.packages) patterns.push(layer.packages);
    if (layer.common && depth > 0)
      patterns.push({
        regex: `^(\\.\\./){${depth}}(?!${allowed(layer.common)})[^./][^/]*/`,
        message:
          'A provider never imports another provider: what they share lives in src/providers/ itself or its common folders.',
      });
    return {
      files: [`src/${folder}/${'*/'.repeat(depth)}*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  }),
);

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
    // Type-aware rules: a promise nobody awaits can reject into an unhandled rejection (a crash), a promise
    // where a void callback is expected is never awaited, and a switch over a union must name every member.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A `default` is a deliberate catch-all; a switch without one must name every member.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
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
  {
    // One error base: every error iam-bot throws is an IamBotError with a stable code (src/shared/errors.ts),
    // and every error class extends it. The simulators are independent witnesses and keep their own errors.
    // test/lint/errors.test.ts proves each refusal.
    files: ['src/**/*.ts'],
    ignores: ['src/simulators/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['NewExpression', 'CallExpression'].map((node) => ({
          selector: `${node}[callee.name=${BUILT_IN_ERROR}]`,
          message: 'Throw an IamBotError with a code from ERROR_CODES (src/shared/errors.ts), not a plain Error.',
        })),
        ...['ClassDeclaration', 'ClassExpression'].map((node) => ({
          selector: `${node}[superClass.name=${BUILT_IN_ERROR}]`,
          message: 'An error class extends IamBotError (src/shared/errors.ts) or one of its subclasses, not Error.',
        })),
      ],
    },
  },
  ...layering,
);
