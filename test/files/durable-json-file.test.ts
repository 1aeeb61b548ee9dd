import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LowdbMessageRefs } from '../../src/store/lowdb-message-refs.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { tempDir } from '../support/fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(() => dir?.remove());

describe('start-up after a kill mid-write (issue 11 item 15)', () => {
  it('removes the temporary files of interrupted writes and keeps everything else', async () => {
    dir = await tempDir();
    for (const leftover of ['state.json.1234567', 'slack.json.42', 'state.json.notes', 'other.json.7'])
      await writeFile(join(dir.path, leftover), '{');
    const store = await LowdbStore.open({ dataDir: dir.path });
    await LowdbMessageRefs.open(dir.path);
    await store.close();
    const files = await readdir(dir.path);
    expect(files).not.toContain('state.json.1234567');
    expect(files).not.toContain('slack.json.42');
    expect(files).toEqual(expect.arrayContaining(['state.json.notes', 'other.json.7']));
  });
});
