import { spawnSync } from 'node:child_process';
import { open, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineAppender } from '../../src/files/jsonl-file.ts';
import { tempDir } from '../support/fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(() => dir?.remove());

// A file-size limit (ulimit -f, 512-byte blocks in sh) makes write(2) short, then fail with EFBIG —
// exactly what a nearly full disk does (what fits is written, then ENOSPC), without needing one.
const child = (script: string, ...args: string[]) =>
  spawnSync(
    'sh',
    [
      '-c',
      'ulimit -f 20 && s="$1" && shift && exec "$0" --import tsx --input-type=module -e "$s" "$@"',
      process.execPath,
      script,
      ...args,
    ],
    { encoding: 'utf8' },
  );

describe('replacing a file when the disk takes only part of it', () => {
  it('keeps the old content whole and leaves no temporary file, instead of renaming a truncated copy over it', async () => {
    dir = await tempDir();
    const target = join(dir.path, 'state.json');
    const good = JSON.stringify({ requests: ['REQ-1'] });
    await writeFile(target, good);
    const module = join(import.meta.dirname, '../../src/files/replace-file.ts');
    const run = child(
      `const { replaceFile } = await import(${JSON.stringify(module)});
       try { await replaceFile(process.argv[1], JSON.stringify({ requests: 'x'.repeat(50000) })); console.log('written'); }
       catch (e) { console.log('refused', e.code); }`,
      target,
    );
    expect(run.stdout.trim()).toBe('refused EFBIG');
    expect(await readFile(target, 'utf8')).toBe(good);
    expect(await readdir(dir.path)).toEqual(['state.json']);
  });
});

describe('an append-only file whose append was cut short', () => {
  /** A file handle whose next append writes only its first half, then fails as a full disk does. */
  async function cutOnce(file: string) {
    const handle = await open(file, 'a+');
    let cut = true;
    const appendFile = handle.appendFile.bind(handle);
    handle.appendFile = async (data: Parameters<typeof appendFile>[0]) => {
      if (!cut) return appendFile(data);
      cut = false;
      await appendFile(Buffer.from(data as Uint8Array).subarray(0, Math.floor((data as Uint8Array).length / 2)));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    return handle;
  }

  it('cuts the fragment back off, so the next line follows the last whole one and the file reads back line by line', async () => {
    dir = await tempDir();
    const file = join(dir.path, 'archive.jsonl');
    await writeFile(file, '{"n":1}\n');
    const handle = await cutOnce(file);
    const appender = new LineAppender(handle, 8);
    await expect(appender.append(['{"n":2,"pad":"' + 'x'.repeat(100) + '"}'])).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(await appender.append(['{"n":3}'])).toBe(8);
    await handle.close();
    expect((await readFile(file, 'utf8')).split('\n')).toEqual(['{"n":1}', '{"n":3}', '']);
  });

  it('cuts it off before the next append when cutting at once failed too', async () => {
    dir = await tempDir();
    const file = join(dir.path, 'audit.jsonl');
    await writeFile(file, '');
    const handle = await cutOnce(file);
    const truncate = handle.truncate.bind(handle);
    let refuse = true;
    handle.truncate = async (len) => {
      if (refuse) {
        refuse = false;
        throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
      }
      return truncate(len);
    };
    const appender = new LineAppender(handle, 0);
    await expect(appender.append(['{"n":1,"pad":"' + 'x'.repeat(100) + '"}'])).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    expect(await appender.append(['{"n":2}'])).toBe(0);
    await handle.close();
    expect(await readFile(file, 'utf8')).toBe('{"n":2}\n');
  });
});
