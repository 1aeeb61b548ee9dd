import { describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';

describe('iam-bot sandbox', () => {
  it('explains itself', async () => {
    const result = await cli(['sandbox', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: iam-bot sandbox [--policy FILE] [--port N]');
    expect((await cli(['--help'])).stdout).toMatch(/sandbox\s+try the bot against local simulators/);
  });

  it('refuses a bad port, an unknown option and a missing policy file, with the usage', async () => {
    const port = await cli(['sandbox', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port must be a port number');
    const unknown = await cli(['sandbox', '--frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Usage: iam-bot sandbox');
    const missing = await cli(['sandbox', '--policy', '/nonexistent/policy.yml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read the policy file /nonexistent/policy.yml: ENOENT');
  });

  it('start with some Slack settings but not all runs for real: it lists what is missing and points at the sandbox', async () => {
    const result = await cli(['start'], { SLACK_SIGNING_SECRET: 'x' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(result.stderr).toContain('iam-bot sandbox');
  });
});
