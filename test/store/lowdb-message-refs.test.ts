import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LowdbMessageRefs } from '../../src/store/lowdb-message-refs.ts';
import { tempDir } from '../support/fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>> | undefined;
afterEach(() => dir?.remove());

describe('slack.json', () => {
  it('opens a file of the earlier release (no failures) with its delivery progress, and keeps failures from then on', async () => {
    dir = await tempDir();
    const file = join(dir.path, 'slack.json');
    const earlier = {
      schema: 1,
      requests: { r1: { audit: { channel: 'C0AUDIT', ts: '1.1' }, approvals: [] } },
      deliveries: { n1: ['audit-reply'] },
    };
    await writeFile(file, JSON.stringify(earlier));
    const refs = await LowdbMessageRefs.open(dir.path);
    expect(await refs.partsDone('n1')).toEqual(['audit-reply']);
    expect((await refs.get('r1')).audit).toEqual({ channel: 'C0AUDIT', ts: '1.1' });
    expect(await refs.failures('n1')).toEqual([]);
    await refs.markFailed('n1', { part: 'requester', to: { user: 'U1' }, code: 'user_disabled' });
    expect(await (await LowdbMessageRefs.open(dir.path)).failures('n1')).toEqual([
      { part: 'requester', to: { user: 'U1' }, code: 'user_disabled' },
    ]);
    await refs.delivered('n1');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ deliveries: {}, failures: {} });
  });

  it('keeps nothing in memory that a failed write did not put on disk: an intent to post, a part done, a message', async () => {
    dir = await tempDir();
    const file = join(dir.path, 'slack.json');
    const refs = await LowdbMessageRefs.open(dir.path);
    await refs.intend('n0:requester', 1);
    // The file cannot be replaced while a non-empty directory stands in its place: every write fails, as on a
    // full disk.
    await rm(file);
    await mkdir(join(file, 'blocked'), { recursive: true });
    await expect(refs.intend('n1:requester', 2)).rejects.toThrow();
    await expect(refs.markPart('n1', 'requester')).rejects.toThrow();
    await expect(refs.update('r1', (r) => ({ ...r, audit: { channel: 'C0AUDIT', ts: '1.1' } }))).rejects.toThrow();
    await expect(refs.delivered('n0')).rejects.toThrow();
    // Had the intent stayed in memory, the next attempt would look for the post in Slack, not find it and post;
    // a restart would then find no intent and post it again.
    expect(await refs.intentOf('n1:requester')).toBeUndefined();
    expect(await refs.partsDone('n1')).toEqual([]);
    expect((await refs.get('r1')).audit).toBeUndefined();
    expect(await refs.intentOf('n0:requester')).toBe(1);

    await rm(file, { recursive: true });
    await refs.intend('n1:requester', 3);
    const reopened = await LowdbMessageRefs.open(dir.path);
    expect(await reopened.intentOf('n1:requester')).toBe(3);
    expect(await reopened.intentOf('n0:requester')).toBe(1);
  });
});
