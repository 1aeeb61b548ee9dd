import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { PolicyError } from '../../src/config/problems.ts';

/**
 * A small valid policy, one line per entry so positions are easy to read off:
 * line N of the file is BASE[N - 1].
 */
const BASE = [
  'providers:', //                      1
  '  cf:', //                           2
  '    type: cloudflare', //            3
  '    accountId: acc-1', //            4
  '    token: env:CF_TOKEN', //         5
  'approvers:', //                      6
  '  leads:', //                        7
  '    users: [U0BOB, U0CAROL]', //     8
  '  boss:', //                         9
  '    manager: true', //              10
  'catalog:', //                       11
  '  - id: cf-admins', //              12
  '    provider: cf', //               13
  '    kind: group.add', //            14
  '    group: admins', //              15
  '    approvers: [leads]', //         16
  '    maxDuration: 8h', //            17
];
const ENV = { CF_TOKEN: 'token-value' };

/** BASE with lines replaced (1-based line → new text), plus extra lines. null blanks a line, so the other lines keep their numbers. */
function policy(changes: Record<number, string | null> = {}, extra: string[] = []): string {
  const lines = BASE.map((line, i) => {
    const change = changes[i + 1];
    return change === undefined ? line : (change ?? '');
  });
  return [...lines, ...extra].join('\n') + '\n';
}

function problems(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    parsePolicy(text, 'policy.yml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).message.split('\n');
  }
  throw new Error('expected the policy to be rejected');
}

describe('policy problems: exact file:line:col: path: message', () => {
  it('accepts the base policy', () => {
    expect(parsePolicy(policy(), 'policy.yml', ENV).policy.catalog).toHaveLength(1);
  });

  it('a catalog id longer than a Slack option value can be, which the request modal could never offer (issue 10 Found 6)', () => {
    const id = `cf-${'a'.repeat(148)}`;
    expect(problems(policy({ 12: `  - id: ${id}` }))).toEqual([
      `policy.yml:12:9: catalog[0].id: must be at most 150 characters: Slack refuses a longer option value in the request modal (this one has 151)`,
    ]);
    expect(parsePolicy(policy({ 12: `  - id: ${id.slice(1)}` }), 'policy.yml', ENV).policy.catalog[0]?.id).toHaveLength(
      150,
    );
  });

  it('a bad duration', () => {
    expect(problems(policy({ 17: '    maxDuration: 8 hours' }))).toEqual([
      'policy.yml:17:18: catalog[0].maxDuration: expected a duration like 8h',
    ]);
  });

  it('an unknown approver set, in a list and in a { set } stage', () => {
    expect(problems(policy({ 16: '    approvers: [leads, laeds, { set: bos }]' }))).toEqual([
      'policy.yml:16:24: catalog[0].approvers[1]: no approver set named "laeds" (sets: leads, boss)',
      'policy.yml:16:38: catalog[0].approvers[2].set: no approver set named "bos" (sets: leads, boss)',
    ]);
  });

  it('an unknown provider', () => {
    expect(problems(policy({ 13: '    provider: cfx' }))).toEqual([
      'policy.yml:13:15: catalog[0].provider: no provider named "cfx" (providers: cf)',
    ]);
  });

  it('a missing environment variable, at the reference', () => {
    expect(problems(policy(), {})).toEqual([
      'policy.yml:5:12: providers.cf.token: environment variable CF_TOKEN is not set',
    ]);
    expect(problems(policy(), { CF_TOKEN: '' })).toEqual([
      'policy.yml:5:12: providers.cf.token: environment variable CF_TOKEN is empty',
    ]);
  });

  it('a literal secret, without repeating it', () => {
    const lines = problems(policy({ 5: '    token: abc123-literal-token' }));
    expect(lines).toEqual([
      'policy.yml:5:12: providers.cf.token: must be an env:NAME reference, never the secret itself',
    ]);
    expect(lines.join('\n')).not.toContain('abc123');
    expect(problems(policy({ 5: '    token: 1234567' }))).toEqual([
      'policy.yml:5:12: providers.cf.token: must be an env:NAME reference, never the secret itself',
    ]);
    expect(problems(policy({ 5: '    token: env:CF-TOKEN' }))).toEqual([
      'policy.yml:5:12: providers.cf.token: expected env:NAME where NAME is made of letters, digits and _',
    ]);
  });

  it('an unknown key, at the key, listing the keys that exist', () => {
    expect(problems(policy({ 17: '    maxDurations: 8h' }))).toEqual([
      'policy.yml:12:5: catalog[0].maxDuration: required for group.add unless the item says permanent: true; add maxDuration (e.g. maxDuration: 8h) to time-bound the access, or permanent: true to keep access with no end',
      'policy.yml:17:5: catalog[0].maxDurations: unknown key; expected one of: id, title, provider, kind, group, principal, approvers, quorum, maxDuration, permanent, defaultDuration, requireReason, requesters, channel, escalateTo, sameApproverAcrossStages, autoApprove, breakGlass',
    ]);
    expect(problems(policy({}, ['audit: { channel: C0AUDIT, chanel: C0X }']))).toEqual([
      'policy.yml:18:28: audit.chanel: unknown key; expected one of: channel, checkpointEvery',
    ]);
  });

  it('a misspelt key: the unknown key and the missing one', () => {
    expect(problems(policy({ 4: '    acountId: acc-1' }))).toEqual([
      'policy.yml:3:5: providers.cf.accountId: required',
      'policy.yml:4:5: providers.cf.acountId: unknown key; expected one of: type, accountId, token, baseUrl, timeout, maxAttempts',
    ]);
  });

  it('a missing required key points at the map that lacks it', () => {
    expect(problems(policy({ 14: null }))).toEqual([
      'policy.yml:12:5: catalog[0].kind: required, one of: group.add, group.remove, key.rotate, mfa.reset',
    ]);
    expect(problems(policy({ 1: null, 2: null, 3: null, 4: null, 5: null }))).toEqual([
      'policy.yml:6:1: providers: required',
      'policy.yml:13:15: catalog[0].provider: no provider named "cf" (no providers are defined)',
    ]);
  });

  it('YAML syntax errors, at the positions yaml gives', () => {
    expect(problems(policy({ 4: '    accountId: acc: 1' }))).toEqual([
      'policy.yml:4:16: Nested mappings are not allowed in compact mappings',
    ]);
    expect(problems(policy({ 4: '    type: jcs' }))).toEqual(['policy.yml:4:5: Map keys must be unique']);
    expect(problems(policy({ 16: '    approvers: [leads, *nobody]' }))).toEqual([
      'policy.yml:16:24: unknown anchor *nobody',
    ]);
  });

  it('an empty file', () => {
    expect(problems('')).toEqual(['policy.yml:1:1: expected a mapping, got nothing']);
  });

  it('an unknown provider type', () => {
    expect(problems(policy({ 3: '    type: cloudfare' }))).toEqual([
      'policy.yml:3:11: providers.cf.type: expected one of: jcs, cloudflare, scaleway, outscale',
    ]);
    expect(problems(policy({ 3: null }))).toEqual([
      'policy.yml:4:5: providers.cf.type: required, one of: jcs, cloudflare, scaleway, outscale',
    ]);
  });

  it('a JCS mfaDeviceName rule that cannot name one device per user', () => {
    const jcs = (rule: string) =>
      policy({
        2: '  jcs:',
        3: '    type: jcs',
        4: '    accessKey: env:CF_TOKEN',
        5: `    secretKey: env:CF_TOKEN\n    mfaDeviceName: ${rule}`,
      }).replace('provider: cf', 'provider: jcs');
    expect(() => parsePolicy(jcs('"{user}-mfa"'), 'policy.yml', ENV)).not.toThrow();
    expect(problems(jcs('shared-phone'))).toEqual([
      "policy.yml:6:20: providers.jcs.mfaDeviceName: must contain {user}, the JCS user name (e.g. '{user}' or '{user}-mfa')",
    ]);
    expect(problems(jcs('"{username}-{user}"'))).toEqual([
      'policy.yml:6:20: providers.jcs.mfaDeviceName: the only placeholder is {user}',
    ]);
  });

  it('a number where an id string belongs', () => {
    expect(problems(policy({ 4: '    accountId: 0123' }))).toEqual([
      'policy.yml:4:16: providers.cf.accountId: expected a string, got a number (put it in quotes)',
    ]);
  });
});

describe('policy problems: cross-references', () => {
  it('group is required for group.add and not allowed for other kinds', () => {
    expect(problems(policy({ 15: null }))).toEqual(['policy.yml:12:5: catalog[0].group: required for group.add']);
    expect(problems(policy({ 14: '    kind: mfa.reset', 15: '    group: admins', 17: null }))).toEqual([
      'policy.yml:15:12: catalog[0].group: only allowed for group.add and group.remove',
    ]);
  });

  it('maxDuration only for group.add; principal only for key.rotate', () => {
    expect(problems(policy({ 14: '    kind: group.remove' }))).toEqual([
      'policy.yml:17:18: catalog[0].maxDuration: only allowed for group.add',
    ]);
    expect(problems(policy({ 15: '    principal: ci-bot' }))).toEqual([
      'policy.yml:12:5: catalog[0].group: required for group.add',
      'policy.yml:15:16: catalog[0].principal: only allowed for key.rotate',
    ]);
    expect(() =>
      parsePolicy(policy({ 14: '    kind: key.rotate', 15: '    principal: ci-bot', 17: null }), 'policy.yml', ENV),
    ).not.toThrow();
  });

  it('a group.add with no end must say permanent: true (the upgrade path of a previous release’s policy)', () => {
    expect(problems(policy({ 17: null }))).toEqual([
      'policy.yml:12:5: catalog[0].maxDuration: required for group.add unless the item says permanent: true; add maxDuration (e.g. maxDuration: 8h) to time-bound the access, or permanent: true to keep access with no end',
    ]);
    const permanent = parsePolicy(policy({ 17: '    permanent: true' }), 'policy.yml', ENV).policy.catalog[0];
    expect(permanent).toMatchObject({ permanent: true });
    expect(permanent?.maxDurationMs).toBeUndefined();
    expect(problems(policy({}, ['    permanent: true']))).toEqual([
      'policy.yml:18:16: catalog[0].permanent: permanent: true grants access with no end, so it cannot also have a maxDuration; keep one of them',
    ]);
    expect(problems(policy({ 14: '    kind: group.remove', 17: '    permanent: true' }))).toEqual([
      'policy.yml:17:16: catalog[0].permanent: only allowed for group.add',
    ]);
  });

  it('defaultDuration: at most maxDuration, never on a permanent item, only for group.add', () => {
    expect(parsePolicy(policy({}, ['    defaultDuration: 2h']), 'policy.yml', ENV).policy.catalog[0]).toMatchObject({
      maxDurationMs: 8 * 3_600_000,
      defaultDurationMs: 2 * 3_600_000,
    });
    expect(problems(policy({}, ['    defaultDuration: 9h']))).toEqual([
      'policy.yml:18:22: catalog[0].defaultDuration: 9h is longer than the maxDuration 8h',
    ]);
    expect(problems(policy({ 17: '    permanent: true' }, ['    defaultDuration: 2h']))).toEqual([
      'policy.yml:18:22: catalog[0].defaultDuration: a permanent item has no default duration: a request without a duration is permanent; remove defaultDuration or set maxDuration instead of permanent: true',
    ]);
    expect(problems(policy({ 14: '    kind: mfa.reset', 15: null, 17: '    defaultDuration: 2h' }))).toEqual([
      'policy.yml:17:22: catalog[0].defaultDuration: only allowed for group.add',
    ]);
  });

  it('duplicate catalog ids', () => {
    expect(problems(policy({}, ['  - { id: cf-admins, provider: cf, kind: mfa.reset, approvers: [leads] }']))).toEqual([
      'policy.yml:18:11: catalog[1].id: duplicate id; catalog[0] already uses "cf-admins"',
    ]);
  });

  it('quorum: at least 1, at most what a fixed set can provide', () => {
    expect(problems(policy({}, ['    quorum: 0']))).toEqual([
      'policy.yml:18:13: catalog[0].quorum: must be at least 1',
    ]);
    expect(problems(policy({}, ['    quorum: 3']))).toEqual([
      'policy.yml:18:13: catalog[0].quorum: quorum 3 is more than the 2 approver(s) set "leads" can ever have',
    ]);
    expect(problems(policy({ 16: '    approvers: [{ set: boss, quorum: 2 }]' }))).toEqual([
      `policy.yml:16:38: catalog[0].approvers[0].quorum: set "boss" is only the requester's manager, so quorum cannot be more than 1`,
    ]);
    // A stage's own quorum wins over the item's, so only the stage without one is judged by the item's.
    expect(problems(policy({ 16: '    approvers: [{ set: leads, quorum: 2 }, boss]' }, ['    quorum: 2']))).toEqual([
      `policy.yml:18:13: catalog[0].quorum: set "boss" is only the requester's manager, so quorum cannot be more than 1`,
    ]);
    // A set with a user group can grow: any quorum is accepted.
    expect(() =>
      parsePolicy(
        policy({ 8: '    users: [U0BOB]', 9: '    usergroup: S0LEADS', 10: null }, ['    quorum: 5']),
        'p.yml',
        ENV,
      ),
    ).not.toThrow();
  });

  it('requesters and admins must name sets', () => {
    expect(problems(policy({}, ['    requesters: [leads, everyone]', 'admins: admins']))).toEqual([
      'policy.yml:18:25: catalog[0].requesters[1]: no approver set named "everyone" (sets: leads, boss)',
      'policy.yml:19:9: admins: no approver set named "admins" (sets: leads, boss)',
    ]);
  });

  it('identity keys must name providers', () => {
    expect(
      problems(
        policy({}, ['identity:', '  providers: { cf: map, scw: email }', '  map: { U0BOB: { cf: bob, osc: bob } }']),
      ),
    ).toEqual([
      'policy.yml:19:25: identity.providers.scw: no provider named "scw" (providers: cf)',
      'policy.yml:20:28: identity.map.U0BOB.osc: no provider named "osc" (providers: cf)',
    ]);
  });

  it('an email-local-part rule needs identity.domains, at the rule; domains are email domains', () => {
    expect(
      problems(policy({}, ['identity:', '  default: email-local-part', '  providers: { cf: email-local-part }'])),
    ).toEqual([
      'policy.yml:19:12: identity.default: email-local-part needs identity.domains: the email domains whose local part names a provider user (e.g. domains: [example.com])',
      'policy.yml:20:20: identity.providers.cf: email-local-part needs identity.domains: the email domains whose local part names a provider user (e.g. domains: [example.com])',
    ]);
    expect(
      parsePolicy(
        policy({}, ['identity:', '  providers: { cf: email-local-part }', '  domains: [Example.COM]']),
        'policy.yml',
        ENV,
      ).policy.identity.domains,
    ).toEqual(['example.com']);
    expect(problems(policy({}, ['identity:', '  domains: ["@example.com"]']))).toEqual([
      'policy.yml:19:13: identity.domains[0]: expected an email domain like example.com (no @)',
    ]);
  });

  it('an approver set needs a rule; the catalog needs an item', () => {
    expect(problems(policy({ 10: '    manager: false' }))).toEqual([
      'policy.yml:10:5: approvers.boss: needs at least one rule: users, usergroup(s) or manager: true',
    ]);
    expect(problems(policy({ 12: '  []', 13: null, 14: null, 15: null, 16: null, 17: null }))).toEqual([
      'policy.yml:12:3: catalog: needs at least one item',
    ]);
  });

  it('Slack ids are checked', () => {
    expect(problems(policy({ 8: '    users: [U0BOB, carol@example.com]' }))).toEqual([
      'policy.yml:8:20: approvers.leads.users[1]: expected a Slack user id like U0123ABCD',
    ]);
  });
});

describe('policy problems: auto-approval rules', () => {
  const rule = (...lines: string[]) => [
    '    autoApprove:',
    '      - name: on-call',
    ...lines.map((l) => `        ${l}`),
  ];

  it('a well-formed rule is accepted and built with its window in minutes', () => {
    const text = policy(
      {},
      rule(
        'requesters: [leads]',
        'maxDuration: 2h',
        'window: { days: [mon, fri], from: "22:00", to: "06:30", timezone: Europe/Paris }',
        'cap: { uses: 3, per: 1d }',
      ),
    );
    expect(parsePolicy(text, 'policy.yml', ENV).policy.catalog[0]?.autoApprove).toEqual([
      {
        name: 'on-call',
        requesters: ['leads'],
        maxDurationMs: 7_200_000,
        window: { days: ['mon', 'fri'], fromMinute: 1320, toMinute: 390, timezone: 'Europe/Paris' },
        cap: { uses: 3, perMs: 86_400_000 },
      },
    ]);
  });

  it('never on an MFA reset, where a person must attest they verified the requester', () => {
    expect(
      problems(policy({ 14: '    kind: mfa.reset', 15: null, 17: null }, rule('cap: { uses: 1, per: 1d }'))),
    ).toEqual([
      "policy.yml:19:7: catalog[0].autoApprove: not allowed for mfa.reset: an MFA reset hands over an account, and its approver must attest they verified the requester's identity out of band, which no rule can",
    ]);
  });

  it('a group.add rule needs a duration limit within the item’s', () => {
    expect(problems(policy({}, rule('cap: { uses: 1, per: 1d }')))).toEqual([
      'policy.yml:19:9: catalog[0].autoApprove[0]: maxDuration is required on a group.add rule: a rule approves timed access up to a limit (e.g. maxDuration: 2h)',
    ]);
    expect(problems(policy({}, rule('maxDuration: 9h', 'cap: { uses: 1, per: 1d }')))).toEqual([
      "policy.yml:20:22: catalog[0].autoApprove[0].maxDuration: 9h is longer than the item's maxDuration 8h",
    ]);
  });

  it('an unknown set, time or time zone, a cap of nothing or none, a name used twice: all at once', () => {
    expect(
      problems(
        policy({}, [
          ...rule('requesters: [oncall]', 'maxDuration: 1h', 'cap: { uses: 1, per: 1d }'),
          '      - name: nights',
          '        window: { from: "25:00", to: "06:00", timezone: Mars/Olympus }',
          '        cap: { uses: 0, per: 1d }',
          '      - name: weekend',
          '        maxDuration: 1h',
          '      - name: on-call',
          '        maxDuration: 1h',
          '        cap: { uses: 1, per: 1d }',
        ]),
      ),
    ).toEqual([
      'policy.yml:20:22: catalog[0].autoApprove[0].requesters[0]: no approver set named "oncall" (sets: leads, boss)',
      'policy.yml:24:25: catalog[0].autoApprove[1].window.from: expected a time like 09:00 (24-hour clock)',
      'policy.yml:24:57: catalog[0].autoApprove[1].window.timezone: expected an IANA time zone like Europe/Paris or UTC',
      'policy.yml:25:22: catalog[0].autoApprove[1].cap.uses: must be at least 1',
      'policy.yml:26:9: catalog[0].autoApprove[2].cap: required',
      'policy.yml:28:15: catalog[0].autoApprove[3].name: duplicate rule name; autoApprove[0] is already "on-call"',
    ]);
  });
});

describe('policy problems: break-glass', () => {
  const breakGlass = (...lines: string[]) => ['    breakGlass:', ...lines.map((l) => `      ${l}`)];
  const WELL_FORMED = ['maxDuration: 1h', 'reviewers: leads', 'reviewWithin: 1d', 'rateLimit: { uses: 2, per: 7d }'];

  it('a well-formed break-glass is accepted and built in milliseconds', () => {
    expect(
      parsePolicy(policy({}, breakGlass(...WELL_FORMED)), 'policy.yml', ENV).policy.catalog[0]?.breakGlass,
    ).toEqual({
      maxDurationMs: 3_600_000,
      reviewers: 'leads',
      reviewWithinMs: 86_400_000,
      limit: { uses: 2, perMs: 604_800_000 },
    });
  });

  it('group access only: never an MFA reset, a key rotation or a removal', () => {
    expect(problems(policy({ 14: '    kind: mfa.reset', 15: null, 17: null }, breakGlass(...WELL_FORMED)))).toEqual([
      "policy.yml:19:7: catalog[0].breakGlass: not allowed for mfa.reset: an MFA reset hands over an account, and its approver must attest they verified the requester's identity first; break-glass is for group access only",
    ]);
    expect(
      problems(
        policy({ 14: '    kind: key.rotate', 15: '    principal: deploy-token', 17: null }, breakGlass(...WELL_FORMED)),
      ),
    ).toEqual([
      'policy.yml:19:7: catalog[0].breakGlass: not allowed for key.rotate: a new credential is never handed out without a decision; break-glass is for group access only',
    ]);
    expect(problems(policy({ 14: '    kind: group.remove', 17: null }, breakGlass(...WELL_FORMED)))).toEqual([
      'policy.yml:19:7: catalog[0].breakGlass: not allowed for group.remove: break-glass grants access for a short time (group.add only)',
    ]);
  });

  it('a short cap within the item’s, reviewers the policy knows, every field, all at once', () => {
    expect(
      problems(
        policy(
          { 17: '    maxDuration: 2h' },
          breakGlass('maxDuration: 3h', 'reviewers: oncall', 'reviewWithin: soon', 'rateLimit: { uses: 0 }'),
        ),
      ),
    ).toEqual([
      "policy.yml:19:20: catalog[0].breakGlass.maxDuration: 3h is longer than the item's maxDuration 2h",
      'policy.yml:20:18: catalog[0].breakGlass.reviewers: no approver set named "oncall" (sets: leads, boss)',
      'policy.yml:21:21: catalog[0].breakGlass.reviewWithin: expected a duration like 8h',
      'policy.yml:22:18: catalog[0].breakGlass.rateLimit.per: expected a duration like 8h',
      'policy.yml:22:26: catalog[0].breakGlass.rateLimit.uses: must be at least 1',
    ]);
    expect(
      problems(
        policy(
          {},
          breakGlass('maxDuration: 5h', 'reviewers: leads', 'reviewWithin: 1d', 'rateLimit: { uses: 1, per: 1d }'),
        ),
      ),
    ).toEqual([
      'policy.yml:19:20: catalog[0].breakGlass.maxDuration: must be at most 4h: break-glass access is short; ask through the approvers for longer',
    ]);
    expect(problems(policy({}, breakGlass('maxDuration: 1h')))).toEqual([
      'policy.yml:19:7: catalog[0].breakGlass.reviewers: required',
      'policy.yml:19:7: catalog[0].breakGlass.reviewWithin: expected a duration like 8h',
      'policy.yml:19:7: catalog[0].breakGlass.rateLimit: required',
    ]);
  });
});

describe('policy problems: all of them at once', () => {
  it('reports every problem, in file order, with structured fields', () => {
    const text = policy(
      {
        3: '    type: cloudflare',
        5: '    token: env:MISSING_TOKEN',
        16: '    approvers: [laeds]',
        17: '    maxDuration: forever',
      },
      ['requests: { ttl: 1 day, maxReasonLength: 1000 }', 'extra: true'],
    );
    let caught: unknown;
    try {
      parsePolicy(text, 'policy.yml', {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    const error = caught as PolicyError;
    expect(error.message.split('\n')).toEqual([
      'policy.yml:5:12: providers.cf.token: environment variable MISSING_TOKEN is not set',
      'policy.yml:16:17: catalog[0].approvers[0]: no approver set named "laeds" (sets: leads, boss)',
      'policy.yml:17:18: catalog[0].maxDuration: expected a duration like 8h',
      'policy.yml:18:18: requests.ttl: expected a duration like 8h',
      'policy.yml:19:1: extra: unknown key; expected one of: providers, identity, directory, approvers, admins, catalog, requests, grants, audit, reviews',
    ]);
    expect(error.problems[2]).toEqual({
      file: 'policy.yml',
      line: 17,
      col: 18,
      path: 'catalog[0].maxDuration',
      message: 'expected a duration like 8h',
    });
  });

  it('does not report a rejected field a second time as missing', () => {
    expect(problems(policy({ 15: '    group: ""' }))).toEqual([
      'policy.yml:15:12: catalog[0].group: must not be empty',
    ]);
  });
});

describe('provider-specific catalog rules', () => {
  it('requires a principal for a Cloudflare key rotation', async () => {
    const text = [
      'providers:',
      '  cf: { type: cloudflare, accountId: "a1", token: env:CF_TOKEN }',
      'approvers:',
      '  leads: { users: [U0BOB] }',
      'catalog:',
      '  - { id: cf-key, provider: cf, kind: key.rotate, approvers: [leads] }',
    ].join('\n');
    expect(() => parsePolicy(text, 'p.yml', { CF_TOKEN: 'x' })).toThrow(
      /^p\.yml:6:\d+: catalog\[0\]\.kind: key\.rotate on Cloudflare needs a principal/m,
    );
  });
});
