import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { providerCallDescriber } from '../../src/sandbox/provider-calls.ts';
import { People } from '../../src/workflow/people.ts';
import { explainRequest } from '../../src/workflow/what-if.ts';
import { MemoryDirectory } from '../support/doubles.ts';

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
`;

function setup() {
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
  };
  return (person: string, item: string) => explainRequest(deps, person, item);
}

describe('what if', () => {
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
