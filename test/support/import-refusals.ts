/**
 * What the import rules of eslint.config.js say of a snippet linted as if it were a file of the tree. Only
 * `no-restricted-imports` runs, without type information: the layering rules need none, and building a type
 * program for each virtual file (the type-aware rules' `projectService`) takes seconds per snippet.
 */
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: `${root}/eslint.config.js`,
  overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/** The import-rule messages for `code` linted as if it were the file `path` (relative to the repository). */
export async function importRefusals(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath: `${root}/${path}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}
