import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { END_MARKER, START_MARKER, diagramIn, stateDiagram, withDiagram } from '../../scripts/state-diagram.ts';

describe("README's state diagram (scripts/state-diagram.ts)", () => {
  it('is the one the state table gives', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    expect(
      diagramIn(readme),
      "README.md's state diagram differs from src/domain/state-table.ts: run `npm run docs:states`",
    ).toBe(stateDiagram());
  });

  it('draws every phase the table lists and each break-glass review step', () => {
    const diagram = stateDiagram();
    for (const line of [
      '[*] --> pending: submit',
      'state "executing.reveal" as executing_reveal',
      'executing_confirm --> executing_retire: confirm, confirmDeadline',
      'failed --> executing_rollback: retry',
      'revoked --> [*]',
      '[*] --> awaiting: submitBreakGlass',
      'awaiting --> flagged: review.flag',
    ])
      expect(diagram).toContain(line);
  });

  it('is rewritten between its markers only, and asks for them when they are missing', () => {
    const readme = `before\n${START_MARKER}\nold diagram\n${END_MARKER}\nafter\n`;
    expect(withDiagram(readme, 'NEW')).toBe(`before\n${START_MARKER}\nNEW\n${END_MARKER}\nafter\n`);
    expect(diagramIn(withDiagram(readme, 'NEW'))).toBe('NEW');
    expect(() => withDiagram('no markers', 'NEW')).toThrow(/needs the markers/);
  });
});
