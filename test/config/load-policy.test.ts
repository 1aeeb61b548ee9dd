import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicy, parsePolicy } from '../../src/config/load-policy.ts';
import { PolicyError } from '../../src/config/problems.ts';
import { DEFAULT_GRANT_SETTINGS, DEFAULT_REQUEST_SETTINGS, type Policy } from '../../src/domain/policy.ts';
import { Secret } from '../../src/domain/secret.ts';

const ENV = {
  CF_TOKEN: 'cf-token-value',
  SCW_KEY: 'scw-secret',
  OSC_AK: 'osc-ak',
  OSC_SK: 'osc-sk',
  JCS_AK: 'jcs-ak',
  JCS_SK: 'jcs-sk',
};

const MINIMAL = `
providers:
  cf:
    type: cloudflare
    accountId: acc-1
    token: env:CF_TOKEN
approvers:
  leads:
    users: [U0BOB, U0CAROL]
catalog:
  - id: cf-admins
    provider: cf
    kind: group.add
    group: admins
    approvers: [leads]
    permanent: true
`;

const FULL = `
providers:
  cf: { type: cloudflare, accountId: acc-1, token: env:CF_TOKEN, baseUrl: "http://127.0.0.1:8080/client/v4/", timeout: 5s, maxAttempts: 2 }
  scw: { type: scaleway, organizationId: org-1, secretKey: env:SCW_KEY, accessKey: SCWAK }
  osc: { type: outscale, region: cloudgouv-eu-west-1, accessKey: env:OSC_AK, secretKey: env:OSC_SK, service: iam }
  jcs: { type: jcs, accessKey: env:JCS_AK, secretKey: env:JCS_SK }
identity:
  default: email-local-part
  providers: { osc: map }
  map: { U0ALICE: { osc: alice, jcs: alice.j } }
  domains: [Example.com, corp.example.com]
directory:
  managers: { U0ALICE: U0BOB }
  managerField: Xf0MGR
approvers:
  managers: { manager: true }
  leads: { users: [U0BOB, U0BOB, U0CAROL], usergroup: S0LEADS, usergroups: [S0SRE, S0LEADS] }
  security: { users: [U0DAN, U0ERIN, U0FRANK] }
admins: leads
catalog:
  - id: cf-admins
    title: Cloudflare admins
    provider: cf
    kind: group.add
    group: grp-1
    approvers: [managers, { set: leads, quorum: 2 }]
    maxDuration: 1h30m
    requireReason: true
    requesters: [security]
    channel: C0APPROVALS
  - { id: osc-ci-key, provider: osc, kind: key.rotate, principal: ci-bot, approvers: [leads] }
  - { id: jcs-mfa, provider: jcs, kind: mfa.reset, approvers: [security, { set: leads, quorum: 1 }], quorum: 3 }
  - { id: scw-leave, provider: scw, kind: group.remove, group: grp-2, approvers: [managers] }
requests: { ttl: 2h, maxReasonLength: 300 }
audit: { channel: C0AUDIT }
`;

describe('parsePolicy: a valid file', () => {
  it('becomes the domain Policy, with stages, quorums and durations resolved', () => {
    const { policy, file } = parsePolicy(FULL, 'full.yml', ENV);
    const expected: Policy = {
      providers: { cf: 'cloudflare', scw: 'scaleway', osc: 'outscale', jcs: 'jcs' },
      sets: {
        managers: { name: 'managers', users: [], usergroups: [], manager: true },
        // Duplicates dropped; `usergroup` and `usergroups` merged.
        leads: { name: 'leads', users: ['U0BOB', 'U0CAROL'], usergroups: ['S0LEADS', 'S0SRE'], manager: false },
        security: { name: 'security', users: ['U0DAN', 'U0ERIN', 'U0FRANK'], usergroups: [], manager: false },
      },
      admins: 'leads',
      catalog: [
        {
          id: 'cf-admins',
          title: 'Cloudflare admins',
          provider: 'cf',
          kind: 'group.add',
          group: 'grp-1',
          stages: [
            { set: 'managers', quorum: 1 },
            { set: 'leads', quorum: 2 },
          ],
          maxDurationMs: 90 * 60_000,
          requireReason: true,
          requesters: ['security'],
          channel: 'C0APPROVALS',
        },
        {
          id: 'osc-ci-key',
          title: 'osc-ci-key',
          provider: 'osc',
          kind: 'key.rotate',
          principal: 'ci-bot',
          stages: [{ set: 'leads', quorum: 1 }],
          requireReason: false,
        },
        {
          id: 'jcs-mfa',
          title: 'jcs-mfa',
          provider: 'jcs',
          kind: 'mfa.reset',
          // The item quorum applies to stages without their own; a stage's own quorum wins.
          stages: [
            { set: 'security', quorum: 3 },
            { set: 'leads', quorum: 1 },
          ],
          requireReason: false,
        },
        {
          id: 'scw-leave',
          title: 'scw-leave',
          provider: 'scw',
          kind: 'group.remove',
          group: 'grp-2',
          stages: [{ set: 'managers', quorum: 1 }],
          requireReason: false,
        },
      ],
      requests: { ...DEFAULT_REQUEST_SETTINGS, pendingTtlMs: 2 * 3_600_000, maxReasonLength: 300 },
      grants: DEFAULT_GRANT_SETTINGS,
      identity: {
        default: 'email-local-part',
        providers: { osc: 'map' },
        map: { U0ALICE: { osc: 'alice', jcs: 'alice.j' } },
        domains: ['example.com', 'corp.example.com'],
      },
      managers: { U0ALICE: 'U0BOB' },
      managerField: 'Xf0MGR',
      audit: { channel: 'C0AUDIT', checkpointEveryMs: 3_600_000 },
    };
    expect(file).toBe('full.yml');
    expect(policy).toEqual(expected);
  });

  it('resolves provider settings: secrets from the environment, timeouts in ms, URLs without trailing slash', () => {
    const { providers } = parsePolicy(FULL, 'full.yml', ENV);
    expect(providers.cf).toEqual({
      type: 'cloudflare',
      id: 'cf',
      accountId: 'acc-1',
      token: expect.any(Secret),
      baseUrl: 'http://127.0.0.1:8080/client/v4',
      timeoutMs: 5_000,
      maxAttempts: 2,
    });
    const cf = providers.cf;
    expect(cf?.type === 'cloudflare' && cf.token.reveal()).toBe('cf-token-value');
    const scw = providers.scw;
    expect(scw?.type === 'scaleway' && [scw.accessKey, scw.secretKey.reveal()]).toEqual(['SCWAK', 'scw-secret']);
    expect(providers.osc).toMatchObject({
      type: 'outscale',
      region: 'cloudgouv-eu-west-1',
      service: 'iam',
      endpoint: 'https://eim.cloudgouv-eu-west-1.outscale.com',
    });
    const osc = providers.osc;
    expect(osc?.type === 'outscale' && [osc.accessKey.reveal(), osc.secretKey.reveal()]).toEqual(['osc-ak', 'osc-sk']);
  });

  it('fills every default', () => {
    const text = `${MINIMAL}  - { id: osc-key, provider: osc, kind: key.rotate, approvers: [leads] }
  - { id: jcs-mfa, provider: jcs, kind: mfa.reset, approvers: [leads] }
  - { id: scw-key, provider: scw, kind: key.rotate, approvers: [leads] }
`.replace(
      'approvers:\n  leads:',
      `  osc: { type: outscale, accessKey: env:OSC_AK, secretKey: env:OSC_SK }
  jcs: { type: jcs, accessKey: env:JCS_AK, secretKey: env:JCS_SK }
  scw: { type: scaleway, organizationId: org-1, secretKey: env:SCW_KEY }
approvers:
  leads:`,
    );
    const { policy, providers } = parsePolicy(text, 'p.yml', ENV);
    expect(policy.requests).toEqual({
      pendingTtlMs: 24 * 3_600_000,
      maxReasonLength: 1_000,
      submissionLimit: { count: 10, windowMs: 60_000 },
      remindAfterMs: 4 * 3_600_000,
      escalateAfterMs: 12 * 3_600_000,
    });
    expect(policy.grants).toEqual({ warnBeforeMs: 15 * 60_000, sweepEveryMs: 3_600_000, removeUnexplained: false });
    expect(policy.identity).toEqual({ default: 'email', providers: {}, map: {} });
    expect(policy.managers).toEqual({});
    expect(policy.audit).toEqual({ checkpointEveryMs: 3_600_000 });
    expect('admins' in policy).toBe(false);
    expect('managerField' in policy).toBe(false);
    expect(policy.catalog[0]).toEqual({
      id: 'cf-admins',
      title: 'cf-admins',
      provider: 'cf',
      kind: 'group.add',
      group: 'admins',
      stages: [{ set: 'leads', quorum: 1 }],
      requireReason: false,
      permanent: true,
    });
    expect(providers.cf).toMatchObject({
      baseUrl: 'https://api.cloudflare.com/client/v4',
      timeoutMs: 10_000,
      maxAttempts: 3,
    });
    expect(providers.osc).toMatchObject({
      region: 'eu-west-2',
      service: 'eim',
      endpoint: 'https://eim.eu-west-2.outscale.com',
    });
    expect(providers.jcs).toMatchObject({
      endpoint: 'https://iam.ind-west-1.jiocloudservices.com',
      timeoutMs: 10_000,
      maxAttempts: 3,
      mfaDeviceName: '{user}',
    });
    expect(providers.scw).toMatchObject({ baseUrl: 'https://api.scaleway.com' });
    expect(providers.scw && 'accessKey' in providers.scw).toBe(false);
  });

  it('keeps secrets out of JSON and string forms of the result', () => {
    const loaded = parsePolicy(FULL, 'full.yml', ENV);
    const dumped = JSON.stringify(loaded) + String(loaded.providers.cf && Object.values(loaded.providers.cf).join(' '));
    for (const value of Object.values(ENV)) expect(dumped).not.toContain(value);
  });
});

describe('loadPolicy', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads examples/policy.yml with its environment variables set', async () => {
    const env = {
      CLOUDFLARE_API_TOKEN: 't',
      SCW_SECRET_KEY: 's',
      OSC_ACCESS_KEY: 'a',
      OSC_SECRET_KEY: 'b',
      JCS_ACCESS_KEY: 'c',
      JCS_SECRET_KEY: 'd',
    };
    const { policy, providers } = await loadPolicy('examples/policy.yml', env);
    expect(Object.values(policy.providers).sort()).toEqual(['cloudflare', 'jcs', 'outscale', 'scaleway']);
    expect(Object.keys(providers).sort()).toEqual(Object.keys(policy.providers).sort());
    const kinds = policy.catalog.map((item) => item.kind);
    expect(kinds).toEqual(expect.arrayContaining(['group.add', 'key.rotate', 'mfa.reset']));
    expect(
      policy.catalog.find((item) => item.kind === 'group.add' && item.maxDurationMs === 8 * 3_600_000)?.requireReason,
    ).toBe(true);
    expect(policy.catalog.find((item) => item.kind === 'mfa.reset')?.stages.some((stage) => stage.quorum === 2)).toBe(
      true,
    );
    expect(policy.catalog.find((item) => item.kind === 'key.rotate')?.principal).toBeDefined();
    expect(Object.values(policy.sets).some((set) => set.manager)).toBe(true);
    expect(policy.admins).toBeDefined();
  });

  it('reports examples/policy.yml environment variables that are missing', async () => {
    const error = await loadPolicy('examples/policy.yml', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    const names = (error as PolicyError).problems.map(
      (problem) => /environment variable (\w+) is not set/.exec(problem.message)?.[1],
    );
    expect(names.sort()).toEqual([
      'CLOUDFLARE_API_TOKEN',
      'JCS_ACCESS_KEY',
      'JCS_SECRET_KEY',
      'OSC_ACCESS_KEY',
      'OSC_SECRET_KEY',
      'SCW_SECRET_KEY',
    ]);
  });

  it('reads a file from disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'iam-bot-policy-'));
    const file = join(dir, 'policy.yml');
    await writeFile(file, MINIMAL);
    const loaded = await loadPolicy(file, ENV);
    expect(loaded.file).toBe(file);
    expect(loaded.policy.catalog.map((item) => item.id)).toEqual(['cf-admins']);
  });

  it('turns an unreadable file into a PolicyError naming the file and the reason', async () => {
    dir = await mkdtemp(join(tmpdir(), 'iam-bot-policy-'));
    const missing = join(dir, 'nope.yml');
    const error = await loadPolicy(missing, ENV).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).message).toBe(
      `${missing}: cannot read the policy file: no such file or directory (ENOENT)`,
    );
    expect((error as PolicyError).problems).toEqual([
      {
        file: missing,
        line: 0,
        col: 0,
        path: '',
        message: 'cannot read the policy file: no such file or directory (ENOENT)',
      },
    ]);
  });
});
