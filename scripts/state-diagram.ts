/**
 * The README's state diagram, generated from the state table (src/domain/state-table.ts) as Mermaid
 * (https://mermaid.js.org/syntax/stateDiagram.html): `npm run docs:states` writes it between the markers,
 * and test/domain/state-diagram.test.ts fails when the README's copy differs from the table.
 */
import { REVIEW_TABLE, STATE_TABLE, isTerminal, rowsOf, type Phase } from '../src/domain/state-table.ts';

export const START_MARKER =
  '<!-- state-diagram: generated from src/domain/state-table.ts by `npm run docs:states`; do not edit -->';
export const END_MARKER = '<!-- /state-diagram -->';

/** A Mermaid state id: `new` is the start, and a phase's dot is not allowed in an id. */
const id = (phase: string) => (phase === 'new' || phase === 'none' ? '[*]' : phase.replace('.', '_'));

/** One line per (from, to), its events joined, in the table's order. */
function edges(rows: { from: string; event: string; to: string }[], indent: string): string[] {
  const merged = new Map<string, string[]>();
  for (const row of rows) {
    const key = `${id(row.from)} --> ${id(row.to)}`;
    merged.set(key, [...(merged.get(key) ?? []), row.event]);
  }
  return [...merged].map(([edge, events]) => `${indent}${edge}: ${events.join(', ')}`);
}

export function stateDiagram(): string {
  const phases = Object.keys(STATE_TABLE) as Phase[];
  return [
    '```mermaid',
    'stateDiagram-v2',
    ...phases.filter((p) => p.includes('.')).map((p) => `    state "${p}" as ${id(p)}`),
    ...edges(rowsOf(STATE_TABLE), '    '),
    ...phases.filter((p) => p !== 'new' && isTerminal(p)).map((p) => `    ${id(p)} --> [*]`),
    // A composite state takes no description (https://github.com/mermaid-js/mermaid/issues/2026): its id says it.
    '    state break_glass_review {',
    ...edges(rowsOf(REVIEW_TABLE), '        '),
    '    }',
    '```',
  ].join('\n');
}

/** `readme` with the text between the markers replaced by `diagram`. */
export function withDiagram(readme: string, diagram: string): string {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START_MARKER} … ${END_MARKER}`);
  return `${readme.slice(0, start + START_MARKER.length)}\n${diagram}\n${readme.slice(end)}`;
}

/** The diagram the README holds now, between its markers. */
export function diagramIn(readme: string): string | undefined {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  return start < 0 || end < start ? undefined : readme.slice(start + START_MARKER.length, end).trim();
}
