import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { StoreOpenError } from '../../src/shared/store-open-error.ts';
import { tempDir } from '../support/fixtures.ts';

let dir: { path: string; remove(): Promise<void> };
let holder: ChildProcess | undefined;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  holder?.kill('SIGKILL');
  holder = undefined;
  await dir.remove();
});

/** Another process that opens the store and holds it until killed. */
async function holdInAnotherProcess(): Promise<ChildProcess> {
  const script = `const { LowdbStore } = await import(${JSON.stringify(join(import.meta.dirname, '../../src/store/lowdb-store.ts'))});
await LowdbStore.open({ dataDir: ${JSON.stringify(dir.path)} });
console.log('locked');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => line === 'locked' && resolve());
    child.once('exit', (code) => reject(new Error(`the holder exited with ${code}`)));
  });
  return child;
}

describe('the data directory lock', () => {
  it('after a kill, starts again even though the pid in the lock file is alive (PID 1 in a container, or our own)', async () => {
    for (const pid of [1, process.pid]) {
      await writeFile(join(dir.path, 'iam-bot.pid'), `${pid}\n`);
      const store = await LowdbStore.open({ dataDir: dir.path });
      await store.close();
    }
    expect(await readdir(dir.path)).not.toContain('iam-bot.pid');
  });

  it('refuses while another process holds it, naming that process, and is free the moment it is killed', async () => {
    holder = await holdInAnotherProcess();
    const refused = await LowdbStore.open({ dataDir: dir.path }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StoreOpenError);
    expect((refused as StoreOpenError).code).toBe('in_use');
    expect((refused as StoreOpenError).message).toContain(`is in use by process ${holder.pid}`);
    const exited = new Promise((resolve) => holder!.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    const store = await LowdbStore.open({ dataDir: dir.path });
    await store.close();
  });

  it('refuses a second open in the same process', async () => {
    const first = await LowdbStore.open({ dataDir: dir.path });
    await expect(LowdbStore.open({ dataDir: dir.path })).rejects.toThrow(/is in use by process/);
    await first.close();
    await (await LowdbStore.open({ dataDir: dir.path })).close();
  });
});
