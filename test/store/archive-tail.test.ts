import { appendFile, readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { denied, makeRequest, tempDir } from '../support/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

/** Two closed requests in the archive, and a write after them, so neither is left in the live document. */
async function twoClosed(): Promise<string[]> {
  const store = await LowdbStore.open({ dataDir: dir.path });
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const request = makeRequest(await store.reserveNumber());
    await store.commit({ request, expectedVersion: null, audit: [] });
    await store.commit({ request: denied(request), expectedVersion: 1, audit: [] });
    ids.push(request.id);
  }
  await store.commit({ request: makeRequest(await store.reserveNumber()), expectedVersion: null, audit: [] });
  await store.close();
  return ids;
}

describe('the archive keeps every record that parses', () => {
  it('keeps a last record that lost only its final newline, and restores the newline', async () => {
    const ids = await twoClosed();
    const archive = join(dir.path, 'archive.jsonl');
    const { size } = await stat(archive);
    await truncate(archive, size - 1);
    const listed = await cli(['requests', 'list', '--json', '--data', dir.path]);
    const listedIds = listed.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { id: string }).id);
    expect(listedIds).toEqual(expect.arrayContaining(ids));
    const store = await LowdbStore.open({ dataDir: dir.path });
    try {
      expect((await store.get(ids[1]!))?.status.state).toBe('denied');
      expect(store.notes).toEqual([
        `${archive}: the last record had lost its newline; it was kept and the newline restored.`,
      ]);
    } finally {
      await store.close();
    }
    expect((await readFile(archive, 'utf8')).endsWith('}\n')).toBe(true);
    expect((await readFile(archive, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('moves a torn last line aside to a side file, with a note, instead of deleting it', async () => {
    const ids = await twoClosed();
    const archive = join(dir.path, 'archive.jsonl');
    const before = await readFile(archive, 'utf8');
    await appendFile(archive, '{"id":"torn","num');
    const store = await LowdbStore.open({ dataDir: dir.path });
    try {
      expect((await store.get(ids[1]!))?.status.state).toBe('denied');
      const side = (await readdir(dir.path)).find((name) => name.startsWith('archive.jsonl.torn-'));
      expect(side).toBeDefined();
      expect(await readFile(join(dir.path, side!), 'utf8')).toBe('{"id":"torn","num');
      expect(store.notes[0]).toContain(`was moved to ${join(dir.path, side!)}`);
    } finally {
      await store.close();
    }
    expect(await readFile(archive, 'utf8')).toBe(before);
  });
});
