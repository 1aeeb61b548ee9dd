/** Issue 13 item 1: `check` refuses a stage only the requester could approve, and warns where some people, or only admins, could. */
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { PolicyError, formatProblem } from '../../src/config/problems.ts';

const ENV = { CF_TOKEN: 'token-value' };

/** A policy with these sets and one item (line 8 is the item's `approvers:`), plus item lines. */
function policy(sets: string[], approvers: string, item: string[] = [], top: string[] = []): string {
  return [
    'providers:', //                                            1
    '  cf: { type: cloudflare, accountId: a1, token: env:CF_TOKEN }', // 2
    'catalog:', //                                              3
    '  - id: cf-admins', //                                     4
    '    provider: cf', //                                      5
    '    kind: group.add', //                                   6
    '    group: admins', //                                     7
    `    approvers: ${approvers}`, //                           8
    '    maxDuration: 8h', //                                   9
    ...item,
    'approvers:',
    ...sets.map((set) => `  ${set}`),
    ...top,
  ].join('\n');
}

function problems(text: string): string[] {
  try {
    parsePolicy(text, 'policy.yml', ENV);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).problems.map(formatProblem);
  }
  throw new Error('expected the policy to be rejected');
}

const cautions = (text: string) => parsePolicy(text, 'policy.yml', ENV).cautions.map(formatProblem);

describe('a stage no one but the requester can approve', () => {
  it('is refused at the stage when only the people who may request are in its set', () => {
    const text = policy(['team: { users: [U0ALICE] }', 'leads: { users: [U0BOB] }'], '[leads, team]', [
      '    requesters: [team]',
    ]);
    expect(problems(text)).toEqual([
      'policy.yml:8:24: catalog[0].approvers[1]: only the requester could approve stage 2 (set "team"): whoever may request cf-admins (U0ALICE) leaves too few other approvers, and nobody approves their own request',
    ]);
  });

  it('counts separation of duties: two stages drawing on one person can never both pass', () => {
    const text = policy(['leads: { users: [U0BOB] }'], '[leads, leads]');
    expect(problems(text)).toEqual([
      'policy.yml:8:24: catalog[0].approvers[1]: stage 2 (set "leads") can never be approved: everyone who could approve it is needed by an earlier stage, and one person approves at most one stage of a request (sameApproverAcrossStages: true allows more)',
    ]);
    // Allowing one person across stages makes it work; a second lead does too.
    expect(
      parsePolicy(
        policy(['leads: { users: [U0BOB] }'], '[leads, leads]', ['    sameApproverAcrossStages: true']),
        'policy.yml',
        ENV,
      ).policy.catalog,
    ).toHaveLength(1);
    expect(
      parsePolicy(policy(['leads: { users: [U0BOB, U0CAROL] }'], '[leads, leads]'), 'policy.yml', ENV).policy.catalog,
    ).toHaveLength(1);
  });

  it('matches people to stages rather than counting: a person needed by a later stage is not spent on an earlier one', () => {
    // Stage 1 may take Bob or Carol, stage 2 only Bob: Carol must take stage 1, which a greedy pick would miss.
    const text = policy(
      ['either: { users: [U0BOB, U0CAROL] }', 'bob: { users: [U0BOB] }', 'carol: { users: [U0CAROL] }'],
      '[either, bob]',
    );
    // Each of them asking leaves only Bob for both stages.
    expect(cautions(text)).toEqual([
      'policy.yml:8:25: catalog[0].approvers[1]: if U0BOB requests cf-admins, nobody else can approve stage 2 (set "bob"): nobody approves their own request; that submission is refused',
      'policy.yml:8:25: catalog[0].approvers[1]: if U0CAROL requests cf-admins, nobody else can approve stage 2 (set "bob"): nobody approves their own request, and one person approves at most one stage of a request (sameApproverAcrossStages: true allows more); that submission is refused',
    ]);
    expect(
      problems(
        policy(
          ['either: { users: [U0BOB, U0CAROL] }', 'bob: { users: [U0BOB] }', 'carol: { users: [U0CAROL] }'],
          '[either, bob, carol]',
        ),
      ),
    ).toEqual([
      expect.stringMatching(
        /^policy\.yml:8:30: catalog\[0\]\.approvers\[2\]: stage 3 \(set "carol"\) can never be approved/,
      ),
    ]);
  });

  it('does not judge a stage with a user group (it can grow), and counts the manager as someone else', () => {
    expect(problems(policy(['team: { users: [U0ALICE] }'], '[team]', ['    requesters: [team]']))).toHaveLength(1);
    expect(
      parsePolicy(
        policy(['team: { users: [U0ALICE], usergroup: S0TEAM }'], '[team]', ['    requesters: [team]']),
        'policy.yml',
        ENV,
      ).cautions,
    ).toEqual([]);
    expect(
      parsePolicy(
        policy(['team: { users: [U0ALICE] }', 'boss: { manager: true }'], '[boss]', ['    requesters: [team]']),
        'policy.yml',
        ENV,
      ).cautions,
    ).toEqual([]);
  });
});

describe('cautions: a policy that works, but not for everyone', () => {
  it('names the person whose own request nobody else could approve', () => {
    const text = policy(['leads: { users: [U0BOB, U0CAROL] }'], '[{ set: leads, quorum: 2 }]');
    expect(cautions(text)).toEqual([
      'policy.yml:8:17: catalog[0].approvers[0]: if U0BOB requests cf-admins, nobody else can approve stage 1 (set "leads"): nobody approves their own request; that submission is refused',
      'policy.yml:8:17: catalog[0].approvers[0]: if U0CAROL requests cf-admins, nobody else can approve stage 1 (set "leads"): nobody approves their own request; that submission is refused',
    ]);
  });

  it('warns where only admins could approve a stage of a set that is not the admins set', () => {
    const sets = ['ops: { users: [U0ERIN] }', 'leads: { users: [U0BOB, U0CAROL] }'];
    expect(
      cautions(policy([...sets, 'admins: { users: [U0ERIN, U0DAVE] }'], '[leads, ops]', [], ['admins: admins'])),
    ).toEqual([
      'policy.yml:8:24: catalog[0].approvers[1]: if U0ERIN requests cf-admins, nobody else can approve stage 2 (set "ops"): nobody approves their own request; that submission is refused',
      'policy.yml:8:24: catalog[0].approvers[1]: only admins could approve stage 2 (set "ops"): every member of set "ops" is in the admins set "admins"',
    ]);
    // Naming the admins set itself is deliberate, and says nothing.
    expect(
      cautions(policy([...sets, 'admins: { users: [U0ERIN, U0DAVE] }'], '[leads, admins]', [], ['admins: admins'])),
    ).toEqual([]);
  });
});
