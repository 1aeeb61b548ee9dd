import { spawnSync } from 'node:child_process';
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeStorageError } from '../../src/files/storage-error.ts';
import { LowdbStore } from '../../src/store/lowdb-store.ts';
import { cli } from '../support/cli.ts';
import { tempDir } from '../support/fixtures.ts';
import { exampleEnv } from '../support/example-policy.ts';

let dir: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

describe('the data directory on disk', () => {
  it.skipIf(process.platform === 'win32')('tightens an existing 0755 data directory to 0700, with a note', async () => {
    const data = join(dir.path, 'data');
    await mkdir(data);
    await chmod(data, 0o755);
    const store = await LowdbStore.open({ dataDir: data });
    await store.close();
    expect((await stat(data)).mode & 0o777).toBe(0o700);
    expect(store.notes).toContain(
      `The data directory ${data} was open to other users (mode 0755); it is now 0700, since it holds the audit log and every request.`,
    );
  });

  it('says what failed, where and what to do when the file system refuses, instead of "unexpected error"', async () => {
    const file = join(dir.path, 'a-file');
    await writeFile(file, '');
    const result = await cli(['audit', 'accept-loss', '--reason', 'x', '--data', join(file, 'data')]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.stderr).toContain(
      `Cannot use the data directory ${join(file, 'data')}: mkdir ${join(file, 'data')} failed: a part of the path is a file, not a directory (ENOTDIR). Point --data or IAM_BOT_DATA_DIR at a directory.`,
    );
  });

  // A read-only mount needs a private mount namespace (root, or a user namespace); elsewhere this skips.
  const canMountReadOnly = process.platform === 'linux' && spawnSync('unshare', ['-m', 'true']).status === 0;
  it.skipIf(!canMountReadOnly)('start on a read-only data directory says so, where, and what to do', async () => {
    const root = join(import.meta.dirname, '../..');
    const mount = join(dir.path, 'ro');
    await mkdir(mount);
    const env = {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'signing',
      ...exampleEnv,
    };
    // The data directory exists (0700) on a file system then remounted read-only, as a volume mounted ro would be.
    const script = `mount -t tmpfs tmpfs "$1" && mkdir -m 700 "$1/data" && mount -o remount,ro "$1" && exec "$2" "$3" start --config "$4" --data "$1/data"`;
    const run = spawnSync(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        script,
        'sh',
        mount,
        process.execPath,
        join(root, 'bin/iam-bot.js'),
        join(root, 'examples/policy.yml'),
      ],
      { env, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.stderr).toContain(
      `Cannot use the data directory ${mount}/data: open ${mount}/data/iam-bot.pid failed: the file system is read-only (EROFS). Mount it read-write, or give the bot a writable data directory (--data DIR or IAM_BOT_DATA_DIR).`,
    );
  });

  it('explains a read-only file system (EROFS) as Node reports it', () => {
    const error = Object.assign(new Error("EROFS: read-only file system, open '/data/state.json'"), {
      code: 'EROFS',
      errno: -30,
      syscall: 'open',
      path: '/data/state.json',
    });
    expect(describeStorageError(error)).toBe(
      'open /data/state.json failed: the file system is read-only (EROFS). Mount it read-write, or give the bot a writable data directory (--data DIR or IAM_BOT_DATA_DIR).',
    );
    expect(describeStorageError(new Error('not from the file system'))).toBeUndefined();
  });
});
