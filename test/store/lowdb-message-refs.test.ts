import { readFile, writeFile } from 'node:fs/promises';
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
});
