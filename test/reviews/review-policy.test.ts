import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { PolicyError } from '../../src/config/problems.ts';

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
  '  - id: cf-key', //                 18
  '    provider: cf', //               19
  '    kind: key.rotate', //           20
  '    principal: ci-token', //        21
  '    approvers: [leads]', //         22
];
const ENV = { CF_TOKEN: 'token-value' };

function text(reviews: string[]): string {
  return [...BASE, 'reviews:', ...reviews].join('\n') + '\n';
}

function problems(source: string): string[] {
  try {
    parsePolicy(source, 'policy.yml', ENV);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).message.split('\n');
  }
  throw new Error('expected the policy to be rejected');
}

describe('the reviews: section of the policy', () => {
  it('builds each review with its deadline, reminder (half the deadline by default) and schedule', () => {
    const { policy } = parsePolicy(
      text(['  - item: cf-admins', '    reviewers: leads', '    deadline: 2d', '    every: 30d']),
      'policy.yml',
      ENV,
    );
    expect(policy.reviews).toEqual([
      {
        itemId: 'cf-admins',
        reviewers: 'leads',
        deadlineMs: 172_800_000,
        remindAfterMs: 86_400_000,
        everyMs: 2_592_000_000,
      },
    ]);
    expect(parsePolicy(BASE.join('\n'), 'policy.yml', ENV).policy.reviews).toBeUndefined();
  });

  it('refuses, with file:line:col, an unknown item, an item without a group, a manager-only set, a duplicate and a late reminder', () => {
    expect(
      problems(
        text([
          '  - item: nope', //                       24
          '    reviewers: leads', //                 25
          '  - item: cf-key', //                     26
          '    reviewers: boss', //                  27
          '  - item: cf-admins', //                  28
          '    reviewers: ghosts', //                29
          '    deadline: 1d', //                     30
          '    remindAfter: 2d', //                  31
          '  - item: cf-admins', //                  32
          '    reviewers: leads', //                 33
          '    evry: 1d', //                         34
        ]),
      ),
    ).toEqual([
      'policy.yml:24:11: reviews[0].item: no catalog item with id "nope"',
      'policy.yml:26:11: reviews[1].item: "cf-key" grants no group (its kind is key.rotate): only a group\'s members can be reviewed',
      'policy.yml:27:16: reviews[1].reviewers: "boss" names people only as a requester\'s manager, and a review has no requester: give it users or usergroups',
      'policy.yml:29:16: reviews[2].reviewers: no approver set named "ghosts" (sets: leads, boss)',
      'policy.yml:31:18: reviews[2].remindAfter: must be shorter than the deadline, or nobody is reminded',
      'policy.yml:32:11: reviews[3].item: reviews[2] already reviews "cf-admins"',
      expect.stringMatching(/^policy\.yml:34:5: reviews\[3\]/),
    ]);
  });
});
