/** `npm run docs:states`: rewrites the README's state diagram from the state table (see state-diagram.ts). */
import { readFile, writeFile } from 'node:fs/promises';
import { diagramIn, stateDiagram, withDiagram } from './state-diagram.ts';

const readme = new URL('../README.md', import.meta.url);
const text = await readFile(readme, 'utf8');
const diagram = stateDiagram();
if (diagramIn(text) === diagram) process.stdout.write('README.md: the state diagram is up to date\n');
else {
  await writeFile(readme, withDiagram(text, diagram));
  process.stdout.write('README.md: state diagram rewritten from src/domain/state-table.ts\n');
}
