/**
 * Secrets across replicas and restarts (issue 12 item 3): with a sealing key, a rotated key's new secret
 * is stored sealed (AES-256-GCM) with its deadline, shown once, and erased when shown or when its
 * deadline passes; without the key it stays in memory only.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRuntimeSettings } from '../../src/config/runtime.ts';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { CatalogItem } from '../../src/domain/policy.ts';
import type { Secret } from '../../src/domain/secret.ts';
import { parseSealingKey, SealingError, seal, unseal } from '../../src/shared/sealing.ts';
import { basePolicy } from '../support/fixtures.ts';
import { createHarness, type Harness } from '../support/harness.ts';

const keyItem: CatalogItem = {
  id: 'cf-key',
  title: 'CF key',
  provider: 'cf',
  kind: 'key.rotate',
  stages: [{ set: 'leads', quorum: 1 }],
  requireReason: false,
};
const ALICE = 'user-alice@example.com';
const SECRET = `SECRET-${ALICE}-key-1-do-not-leak`;
const FIFTEEN_MINUTES = 15 * 60_000;
const KEY = randomBytes(32);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function waitingForReveal(sealingKey: Buffer | null = KEY): Promise<{ harness: Harness; ref: string }> {
  const harness = await createHarness({ ...basePolicy, catalog: [keyItem] }, sealingKey ? { sealingKey } : {});
  h = harness;
  harness.provider.accessKeys.set(ALICE, [{ id: 'old-key', status: 'active' }]);
  const request = await harness.service.submit({ requester: 'U_ALICE', itemId: 'cf-key', reason: '' });
  await harness.service.approve('U_BOB', request.ref);
  await harness.settle();
  expect((await harness.service.find(request.ref)).status).toMatchObject({
    state: 'executing',
    rotation: { step: 'reveal' },
  });
  return { harness, ref: request.ref };
}

async function reveal(harness: Harness, ref: string): Promise<Secret | undefined> {
  let shown: Secret | undefined;
  await harness.service.revealSecret('U_ALICE', ref, async (_request, secret) => {
    shown = secret;
    return true;
  });
  return shown;
}

/** Every file of the data directory, as text. */
async function dataFiles(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.set(entry.name, await readFile(join(entry.parentPath, entry.name), 'latin1'));
  }
  return files;
}

/** The secret in any of the forms a careless write would leave it: plain, JSON-escaped, base64, base64url, hex. */
function holdsSecret(text: string): boolean {
  const value = Buffer.from(SECRET, 'utf8');
  return [SECRET, value.toString('base64'), value.toString('base64url'), value.toString('hex')].some((form) =>
    text.includes(form),
  );
}

interface StoredSecret {
  requestId: string;
  sealed?: string;
  revealed?: boolean;
}
const storedSecrets = async (dir: string) =>
  (JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { secrets: StoredSecret[] }).secrets;

describe('sealed secrets', () => {
  it('stores a new secret only sealed: no file of the data directory holds it in clear', async () => {
    const { harness } = await waitingForReveal();
    const [stored] = await storedSecrets(harness.dataDir);
    expect(stored?.sealed).toMatch(/^v1\./);
    // The envelope is what holds it: the same key opens it.
    expect(unseal(KEY, stored!.sealed!, stored!.requestId)).toBe(SECRET);
    const files = await dataFiles(harness.dataDir);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['state.json', 'audit.jsonl']));
    for (const [name, text] of files) expect(holdsSecret(text), name).toBe(false);
  });

  it('survives a restart: the owner reveals it after one, once, and then it is erased', async () => {
    const { harness, ref } = await waitingForReveal();
    const restarted = await harness.restart();
    h = restarted;
    restarted.executor.recover();
    await restarted.settle();
    expect((await restarted.service.find(ref)).status).toMatchObject({
      state: 'executing',
      rotation: { step: 'reveal' },
    });
    expect((await reveal(restarted, ref))?.reveal()).toBe(SECRET);
    expect(await storedSecrets(restarted.dataDir)).toEqual([expect.objectContaining({ revealed: true })]);
    expect((await storedSecrets(restarted.dataDir))[0]?.sealed).toBeUndefined();
    const again = await reveal(restarted, ref).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(WorkflowFailure);
  });

  it('is erased at its deadline by the tick itself, and the rotation rolls back', async () => {
    const { harness, ref } = await waitingForReveal();
    // The rollback, which drops the secret too, is held at its first provider call.
    let release!: () => void;
    harness.provider.gate = new Promise((resolve) => (release = resolve));
    harness.clock.advance(FIFTEEN_MINUTES);
    await harness.service.tick();
    const [stored] = await storedSecrets(harness.dataDir);
    expect(stored).toBeDefined();
    expect(stored?.sealed).toBeUndefined();
    release();
    await harness.settle();
    expect((await harness.service.find(ref)).status).toMatchObject({
      state: 'failed',
      error: { kind: 'secret_expired' },
    });
    expect(await harness.vault.holds((await harness.service.find(ref)).id)).toBe(false);
  });

  it('with another key, says the key is not the one it was sealed with, and keeps the secret for the right key', async () => {
    const { harness, ref } = await waitingForReveal();
    const wrong = await harness.reopenWith(randomBytes(32));
    h = wrong;
    const error = await reveal(wrong, ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SealingError);
    expect(error).toMatchObject({ code: 'unseal_failed', message: expect.stringContaining('IAM_BOT_SEALING_KEY') });
    expect((error as Error).message).not.toContain(SECRET);
    const right = await wrong.reopenWith(KEY);
    h = right;
    expect((await reveal(right, ref))?.reveal()).toBe(SECRET);
  });

  it('without a key, stays in memory: nothing is stored and a restart loses it (the rotation rolls back)', async () => {
    const { harness, ref } = await waitingForReveal(null);
    expect(await storedSecrets(harness.dataDir)).toEqual([]);
    const restarted = await harness.restart();
    h = restarted;
    restarted.executor.recover();
    await restarted.settle();
    expect((await restarted.service.find(ref)).status).toMatchObject({
      state: 'failed',
      error: { kind: 'secret_expired' },
    });
  });
});

describe('the sealing key', () => {
  it('opens only what it sealed, for the same request', () => {
    const envelope = seal(KEY, 'value', 'r1');
    expect(unseal(KEY, envelope, 'r1')).toBe('value');
    expect(() => unseal(KEY, envelope, 'r2')).toThrow(SealingError);
    expect(() => unseal(randomBytes(32), envelope, 'r1')).toThrow(/does not open with this IAM_BOT_SEALING_KEY/);
    expect(() => unseal(KEY, 'v1.x.y', 'r1')).toThrow(/not a v1 envelope/);
  });

  it('is 32 bytes of base64; anything else is refused with a clear message that does not quote it', () => {
    expect(parseSealingKey(KEY.toString('base64'))).toEqual(KEY);
    expect(() => parseSealingKey(randomBytes(16).toString('base64'))).toThrow(
      'IAM_BOT_SEALING_KEY decodes to 16 bytes; it must be 32',
    );
    expect(() => parseSealingKey('not base64 at all!')).toThrow(/IAM_BOT_SEALING_KEY is not base64/);
    const env = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };
    const bad = readRuntimeSettings({ ...env, IAM_BOT_SEALING_KEY: 'c2hvcnQ=' });
    expect(bad).toEqual({
      ok: false,
      problems: ['IAM_BOT_SEALING_KEY decodes to 5 bytes; it must be 32 (openssl rand -base64 32).'],
    });
    const good = readRuntimeSettings({ ...env, IAM_BOT_SEALING_KEY: KEY.toString('base64') });
    expect(good.ok && good.settings.sealingKey).toEqual(KEY);
  });

  it('is required with DATABASE_URL', () => {
    const result = readRuntimeSettings({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: 's',
      DATABASE_URL: 'postgres://bot@db/iam',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join('\n')).toMatch(/IAM_BOT_SEALING_KEY is not set, and DATABASE_URL is/);
  });
});
