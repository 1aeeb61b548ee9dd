import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../src/slack/scopes.ts';
import { DEFAULT_BOT_SCOPES } from '../../src/simulators/slack/web-api/registry.ts';
import { METHOD_SCOPES } from '../support/slack-scopes.ts';

const root = join(import.meta.dirname, '../..');

async function manifest(): Promise<Record<string, unknown>> {
  return parse(await readFile(join(root, 'manifest.yml'), 'utf8')) as Record<string, unknown>;
}

describe('manifest.yml', () => {
  it("validates against Slack's official app manifest schema", async () => {
    const schema = JSON.parse(await readFile(join(root, 'test/fixtures/manifest.schema.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(await manifest());
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('grants exactly the scopes the methods the bot calls need, and no more', async () => {
    const m = (await manifest()) as { oauth_config: { scopes: { bot: string[] } } };
    const needed = new Set(['commands', ...Object.values(METHOD_SCOPES).flat()]);
    expect(new Set(m.oauth_config.scopes.bot)).toEqual(needed);
  });

  it('asks for the scopes the bot checks its token for at start and in iam-bot check', async () => {
    const m = (await manifest()) as { oauth_config: { scopes: { bot: string[] } } };
    expect(new Set(Object.keys(BOT_SCOPES))).toEqual(new Set(m.oauth_config.scopes.bot));
  });

  it("gives the simulated bot token exactly the scopes an install from the manifest has, so tests see production's grants", async () => {
    const m = (await manifest()) as { oauth_config: { scopes: { bot: string[] } } };
    expect(new Set(DEFAULT_BOT_SCOPES)).toEqual(new Set(m.oauth_config.scopes.bot));
  });

  it('points the slash command, interactivity, options and events at the one Bolt endpoint', async () => {
    const text = await readFile(join(root, 'manifest.yml'), 'utf8');
    const urls = [...text.matchAll(/(?:url|request_url|message_menu_options_url): (\S+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(4);
    for (const url of urls) expect(url).toMatch(/\/slack\/events$/);
  });
});
