import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { providerCallDescriber } from '../../src/sandbox/provider-calls.ts';
import { People } from '../../src/workflow/people.ts';
import { explainRequest } from '../../src/workflow/what-if.ts';
import { FakeClock, MemoryDirectory } from '../support/doubles.ts';

const policyText = `
providers:
  cf: { type: cloudflare, accountId: "acc1", token: env:CF_TOKEN }
  osc: { type: outscale, region: eu-west-2, accessKey: env:OSC_AK, secretKey: env:OSC_SK }
identity:
  default: email
  providers: { osc: email-local-part }
  domains: [example.com]
directory:
  managers: { U0ALICE: U0BOB, U0BOB: U0CAROL }
approvers:
  managers: { manager: true }
  leads: { users: [U0ALICE], usergroup: S0LEADS }
  engineers: { usergroup: S0ENG }
catalog:
  - { id: cf-admins, provider: cf, kind: group.add, group: g1, approvers: [managers, leads], requesters: [engineers], permanent: true }
  - { id: osc-key, provider: osc, kind: key.rotate, approvers: [{ set: leads, quorum: 3 }] }
  - { id: ci-token, provider: cf, kind: key.rotate, principal: tok1, approvers: [leads] }
  - id: cf-oncall
    provider: cf
    kind: group.add
    group: g2
    maxDuration: 8h
    defaultDuration: 1h
    approvers: [managers, leads]
    autoApprove:
      - name: weekend-nights
        maxDuration: 2h
        window: { days: [sat, sun], from: "22:00", to: "06:00", timezone: Europe/Paris }
        cap: { uses: 1, per: 1d }
      - name: office-hours
        requesters: [engineers]
        maxDuration: 2h
        window: { days: [mon, tue, wed, thu, fri], from: "09:00", to: "18:00", timezone: Europe/Paris }
        cap: { uses: 2, per: 1d }
    breakGlass: { maxDuration: 1h, reviewers: managers, reviewWithin: 4h, rateLimit: { uses: 2, per: 7d } }
`;

/** Wednesday 18 November 2026, 10:00 in Paris. */
const WEDNESDAY_10_PARIS = Date.UTC(2026, 10, 18, 9, 0, 0);

function setup(uses: Record<string, number> = {}) {
  const config = parsePolicy(policyText, 'what-if.yml', { CF_TOKEN: 't', OSC_AK: 'a', OSC_SK: 's' });
  const directory = new MemoryDirectory();
  directory.emails.set('U0ALICE', 'alice@example.com');
  directory.usergroups.set('S0LEADS', new Set(['U0DAVE', 'U0ALICE']));
  directory.usergroups.set('S0ENG', new Set(['U0ALICE']));
  const deps = {
    policy: config.policy,
    people: new People(config.policy, directory),
    directory,
    describeCall: providerCallDescriber(config.providers),
    uses: { count: async (key: string) => uses[key] ?? 0 },
    clock: new FakeClock(WEDNESDAY_10_PARIS),
  };
  return (person: string, item: string) => explainRequest(deps, person, item);
}

describe('what if', () => {
  it('explains which auto-approval rule would pass stage 1 now, and what stops the others', async () => {
    const w = await setup()('U0ALICE', 'cf-oncall');
    expect(w?.autoApproval).toEqual([
      {
        name: 'weekend-nights',
        conditions: 'anyone who may request it, up to 2h, Sat, Sun 22:00–06:00 (Europe/Paris), 1 use per person per 1d',
        applies: false,
        why: 'it is outside Sat, Sun 22:00–06:00 (Europe/Paris)',
        usesLeft: 1,
      },
      {
        name: 'office-hours',
        conditions:
          'members of engineers, up to 2h, Mon, Tue, Wed, Thu, Fri 09:00–18:00 (Europe/Paris), 2 uses per person per 1d',
        applies: true,
        usesLeft: 2,
      },
    ]);
    const bob = await setup()('U0BOB', 'cf-oncall');
    expect(bob?.autoApproval[1]).toMatchObject({ applies: false, why: 'the requester is not in engineers' });
    const spent = await setup({ 'rule:cf-oncall:office-hours:U0ALICE': 2 })('U0ALICE', 'cf-oncall');
    expect(spent?.autoApproval[1]).toMatchObject({
      applies: false,
      why: 'its cap is reached: 2 uses per person per 1d',
      usesLeft: 0,
    });
  });

  it('explains break-glass: its terms, who would review it, the uses left, and when it would be refused', async () => {
    const terms = 'up to 1h at once, reviewed by managers within 4h, 2 uses per person per 7d';
    expect((await setup()('U0ALICE', 'cf-oncall'))?.breakGlass).toEqual({
      terms,
      reviewers: [{ person: 'U0BOB', via: "the requester's manager" }],
      usesLeft: 2,
    });
    expect((await setup({ 'break-glass:cf-oncall:U0ALICE': 2 })('U0ALICE', 'cf-oncall'))?.breakGlass).toEqual({
      terms,
      reviewers: [{ person: 'U0BOB', via: "the requester's manager" }],
      usesLeft: 0,
      problem: 'Its limit is reached (2 per 7d): an emergency would be refused.',
    });
    // Nobody is Dave's manager: nobody could review his emergency.
    expect((await setup()('U0DAVE', 'cf-oncall'))?.breakGlass?.problem).toBe(
      'Nobody but U0DAVE could review it: an emergency would be refused.',
    );
    expect((await setup()('U0ALICE', 'cf-admins'))?.breakGlass).toBeUndefined();
  });

  it('resolves each stage to people and says why each is there; the requester never approves their own request', async () => {
    const w = await setup()('U0ALICE', 'cf-admins');
    expect(w?.mayRequest).toBe(true);
    expect(w?.stages).toEqual([
      { set: 'managers', quorum: 1, approvers: [{ person: 'U0BOB', via: "the requester's manager" }] },
      { set: 'leads', quorum: 1, approvers: [{ person: 'U0DAVE', via: 'member of user group S0LEADS' }] },
    ]);
    expect(w?.calls).toEqual(['Cloudflare: POST /accounts/acc1/iam/user_groups/g1/members for alice@example.com']);
  });

  it('says who may not request, and a stage that cannot reach its quorum', async () => {
    const explain = setup();
    const bob = await explain('U0BOB', 'cf-admins');
    expect(bob?.mayRequest).toBe(false);
    expect(bob?.requestRule).toMatch(/Only members of engineers/);
    const key = await explain('U0ALICE', 'osc-key');
    expect(key?.stages[0]?.problem).toMatch(/needs 3 approvals but only 1/);
    expect(key?.calls[0]).toBe('Outscale EIM: CreateAccessKey UserName=alice (the new secret is revealed once)');
  });

  it('names a service principal as the policy does, and a person without an email gets no call', async () => {
    const explain = setup();
    expect((await explain('U0BOB', 'ci-token'))?.calls).toEqual([
      'Cloudflare: PUT /accounts/acc1/tokens/tok1/value (roll the token; the new value is revealed once)',
    ]);
    const noEmail = await explain('U0BOB', 'osc-key');
    expect(noEmail?.principal.ok).toBe(false);
    expect(noEmail?.calls).toEqual([]);
    expect(await explain('U0BOB', 'nope')).toBeUndefined();
  });
});

describe('the calls of a kind the provider lacks', () => {
  it('are said to be unsupported, from the descriptor’s capabilities', () => {
    const describe = providerCallDescriber({});
    for (const [providerType, label] of [
      ['cloudflare', 'Cloudflare'],
      ['outscale', 'Outscale'],
    ] as const)
      expect(describe({ providerId: 'p', providerType, kind: 'mfa.reset', principal: 'alice' })).toEqual([
        `${label}: MFA reset is not supported`,
      ]);
    expect(describe({ providerId: 'p', providerType: 'jcs', kind: 'mfa.reset', principal: 'alice' })).not.toContain(
      'JCS: MFA reset is not supported',
    );
  });
});
