import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { StoreOpenError } from '../../src/shared/store-open-error.ts';
import { makeRequest, tempDir } from '../support/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

async function refusal(world: 'production' | 'sandbox'): Promise<StoreOpenError> {
  const error = await LowdbStore.open({ dataDir: dir.path, world }).then(
    async (store) => {
      await store.close();
      throw new Error(`the ${world} opened it`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreOpenError);
  return error as StoreOpenError;
}

describe('a data directory belongs to one world', () => {
  it('refuses production a directory the sandbox wrote, with a message saying what to do', async () => {
    await (await LowdbStore.open({ dataDir: dir.path, world: 'sandbox' })).close();
    const error = await refusal('production');
    expect(error.code).toBe('wrong_world');
    expect(error.message).toContain(`The data directory ${dir.path} was written by the sandbox`);
    expect(error.message).toContain('--data DIR or IAM_BOT_DATA_DIR');
  });

  it('refuses the sandbox a directory production wrote, and leaves it untouched', async () => {
    const store = await LowdbStore.open({ dataDir: dir.path });
    await store.commit({ request: makeRequest(await store.reserveNumber()), expectedVersion: null, audit: [] });
    await store.close();
    const before = await readFile(join(dir.path, 'state.json'), 'utf8');
    expect((await refusal('sandbox')).message).toContain('holds production data; the sandbox never runs on it');
    expect(await readFile(join(dir.path, 'state.json'), 'utf8')).toBe(before);
    const again = await LowdbStore.open({ dataDir: dir.path, world: 'production' });
    expect(await again.openRequests()).toHaveLength(1);
    await again.close();
  });

  it('adopts data an earlier release wrote (no marker) as production, and never gives it to the sandbox', async () => {
    const store = await LowdbStore.open({ dataDir: dir.path });
    await store.commit({ request: makeRequest(await store.reserveNumber()), expectedVersion: null, audit: [] });
    await store.close();
    await writeFile(join(dir.path, 'data-dir.json'), ''); // damaged marker: not guessed
    expect((await refusal('production')).message).toContain('does not say which world wrote this data directory');
    await rm(join(dir.path, 'data-dir.json'));
    await refusal('sandbox');
    const adopted = await LowdbStore.open({ dataDir: dir.path });
    expect(await adopted.openRequests()).toHaveLength(1);
    await adopted.close();
    expect(JSON.parse(await readFile(join(dir.path, 'data-dir.json'), 'utf8'))).toEqual({ world: 'production' });
  });
});
