/** `iam-bot check` on a stage no one but the requester can approve (issue 13 item 1): exit 1, file:line:col. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';
import { exampleEnv, examplePolicy } from '../support/example-policy.ts';
import { tempDir } from '../support/fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir.remove());

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('iam-bot check: stages that can work', () => {
  it('refuses an item only its requester could approve, at the stage, and exits 1', async () => {
    const file = join(dir.path, 'self-approval.yml');
    const text = await readFile(examplePolicy, 'utf8');
    // The MFA reset needs three of the security team, who alone may ask for it: whoever asks leaves two.
    await writeFile(
      file,
      text
        .replace('    approvers: [security]\n', '    approvers: [security]\n    requesters: [security]\n')
        .replace(/quorum: 2 .*/, 'quorum: 3'),
    );
    const line = text.split('\n').findIndex((l) => l === '    approvers: [security]') + 1;
    const result = await cli(['check', '--offline', '--config', file], exampleEnv);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^${escaped(file)}:${line}:17: catalog\\[3\\]\\.approvers\\[0\\]: only the requester could approve stage 1 \\(set "security"\\)`,
        'm',
      ),
    );
  });

  it('passes a policy that works for some people only, with a warning naming them', async () => {
    const file = join(dir.path, 'partly.yml');
    const text = await readFile(examplePolicy, 'utf8');
    await writeFile(
      file,
      text
        .replace(
          '    approvers: [security]\n',
          '    approvers: [security]\n    requesters: [security, platform-leads]\n',
        )
        .replace(/quorum: 2 .*/, 'quorum: 3'),
    );
    const result = await cli(['check', '--offline', '--config', file], exampleEnv);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: .*partly\.yml:\d+:17: catalog\[3\]\.approvers\[0\]: if U\w+ requests jcs-mfa-reset, nobody else can approve stage 1/m,
    );
  });
});
