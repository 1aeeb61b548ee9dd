/**
 * Messages that say what happens (issue 13 item 5): an extension reads as an extension, a Cloudflare
 * roll says the old value stopped working at the roll and nothing is left to retire, and approvers read
 * what their approval will do.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/domain/policy.ts';
import type { Request, Rotation } from '../../src/domain/request.ts';
import type { RequestNotice } from '../../src/domain/notice.ts';
import { approvalMessage } from '../../src/slack/views/approval.ts';
import { auditReply } from '../../src/slack/views/audit-thread.ts';
import { requesterUpdate } from '../../src/slack/views/requester.ts';
import { revealedMessage, rotationEndText, secretReadyMessage } from '../../src/slack/views/rotation.ts';
import { groupItem, makeRequest, T0 } from '../support/fixtures.ts';

const HOUR = 3_600_000;
const notice = (request: Request, event: RequestNotice['event'], actor = 'system'): RequestNotice => ({
  id: 'e1',
  event,
  request,
  actor,
});
const text = (message: unknown): string => JSON.stringify(message);

function extension(): Request {
  const request = makeRequest(12, { durationMs: 2 * HOUR });
  return { ...request, operation: { kind: 'group.add', group: 'cf-admins', durationMs: 2 * HOUR, extends: 'id-7' } };
}

const tokenItem: CatalogItem = {
  ...groupItem,
  id: 'cf-ci-token',
  title: 'CI deploy token',
  kind: 'key.rotate',
  principal: 'tok-1',
};

function rolled(rotation: Rotation): Request {
  const request: Request = {
    ...makeRequest(13),
    itemId: tokenItem.id,
    operation: { kind: 'key.rotate', principal: 'tok-1' },
  };
  return { ...request, status: { state: 'executing', at: T0, attempt: 1, rotation } };
}

describe('an extension', () => {
  it('reads as an extension to the approvers, the requester and the audit thread, not as a new request', () => {
    const request = extension();
    const approval = text(approvalMessage(request, groupItem, 0));
    expect(approval).toContain('asks to extend their access to *Cloudflare admins* by 2h');
    expect(approval).not.toContain('join');
    const dm = text(requesterUpdate(notice(request, 'request.submitted'), groupItem));
    expect(dm).toContain('You asked to extend your access to *Cloudflare admins* by 2h');
    expect(auditReply(notice(request, 'request.submitted', 'U_ALICE'))).toContain('Submitted');
  });
});

describe('what approving does', () => {
  it('names the person, the provider principal, the group, the provider and the period', () => {
    const request: Request = {
      ...makeRequest(14, { durationMs: 4 * HOUR }),
      provider: 'scw',
      target: { principal: 'f1e2d3c4-user', rule: 'email', email: 'alice@example.com' },
    };
    const effect = text(approvalMessage(request, groupItem, 0, 'scaleway'));
    expect(effect).toContain(
      'Approving adds alice@example.com (Scaleway principal `f1e2d3c4-user`) to *Cloudflare admins* on Scaleway (scw) for 4h, then removes them.',
    );
  });

  it('says when access has no end, and what an extension, a roll and an MFA reset do', () => {
    const { maxDurationMs: _cap, ...uncapped } = groupItem;
    const permanent = makeRequest(15, { item: { ...uncapped, permanent: true }, durationMs: undefined });
    expect(text(approvalMessage(permanent, groupItem, 0))).toContain('with no end: the access is permanent');
    expect(text(approvalMessage(extension(), groupItem, 0))).toContain(
      'Approving extends the access of <@U_ALICE> to *Cloudflare admins* on cf by 2h.',
    );
    const roll: Request = {
      ...makeRequest(16),
      itemId: tokenItem.id,
      operation: { kind: 'key.rotate', principal: 'tok-1' },
      target: { principal: 'tok-1', rule: 'service' },
    };
    expect(text(approvalMessage(roll, tokenItem, 0, 'cloudflare'))).toContain(
      'Approving rolls the token of *CI deploy token* (Cloudflare principal `tok-1`) on Cloudflare (cf): its current value stops working at once',
    );
    expect(text(approvalMessage(roll, tokenItem, 0, 'scaleway'))).toContain(
      'Approving creates a new access key for *CI deploy token*',
    );
    const mfa: Request = { ...makeRequest(17), operation: { kind: 'mfa.reset' } };
    expect(text(approvalMessage(mfa, groupItem, 0, 'jcs'))).toContain(
      'Approving removes the MFA device of <@U_ALICE> on JCS (cf)',
    );
  });
});

describe('a Cloudflare roll', () => {
  const keys = { oldKeyIds: ['tok-1'], newKeyId: 'tok-1' };

  it('says the old value stopped working at the roll, in the Reveal DM, after the reveal, and at the end', () => {
    const reveal = rolled({ step: 'reveal', ...keys, revealBy: T0 + HOUR });
    expect(text(secretReadyMessage(reveal, tokenItem, T0 + HOUR, 'cloudflare'))).toContain(
      'its old value stopped working at the roll',
    );
    expect(text(secretReadyMessage(reveal, tokenItem, T0 + HOUR, 'cloudflare'))).not.toContain('old key kept');
    const confirm = rolled({ step: 'confirm', ...keys, confirmBy: T0 + HOUR });
    expect(text(revealedMessage(confirm, tokenItem, 'cloudflare'))).toContain(
      'The old value stopped working at the roll, so nothing is left to retire',
    );
    expect(text(revealedMessage(confirm, tokenItem, 'cloudflare'))).not.toContain('old key is retired');
    const done: Request = {
      ...confirm,
      status: {
        state: 'completed',
        at: T0,
        outcome: {
          summary: 'token tok-1 rolled',
          note: 'The old value stopped working at the roll; nothing is left to retire.',
        },
      },
    };
    expect(rotationEndText(done)).toBe(
      'Rotation complete. The old value stopped working at the roll; nothing is left to retire.',
    );
    expect(text(requesterUpdate(notice(done, 'execution.completed'), tokenItem, 'cloudflare'))).toContain(
      'nothing is left to retire',
    );
  });

  it('never speaks of retiring or keeping an old key in the audit thread or the owner’s DMs', () => {
    const retire = rolled({ step: 'retire', ...keys, trigger: 'confirmed' });
    expect(auditReply(notice(retire, 'rotation.confirmed', 'U_ALICE'), 'cloudflare')).toContain(
      'nothing is left to retire',
    );
    const deadline = rolled({ step: 'retire', ...keys, trigger: 'deadline' });
    expect(auditReply(notice(deadline, 'rotation.confirm_deadline'), 'cloudflare')).toContain(
      'nothing is left to retire',
    );
    expect(text(requesterUpdate(notice(deadline, 'rotation.confirm_deadline'), tokenItem, 'cloudflare'))).toContain(
      'nothing is left to retire',
    );
    const lost = rolled({ step: 'rollback', ...keys, reason: 'expired' });
    expect(auditReply(notice(lost, 'rotation.abandoned'), 'cloudflare')).toContain('stopped working at the roll');
    expect(text(requesterUpdate(notice(lost, 'rotation.abandoned'), tokenItem, 'cloudflare'))).toContain(
      'stopped working at the roll',
    );
    for (const message of [
      auditReply(notice(lost, 'rotation.abandoned'), 'cloudflare'),
      text(requesterUpdate(notice(lost, 'rotation.abandoned'), tokenItem, 'cloudflare')),
    ]) {
      expect(message).not.toMatch(/old key (kept|is retired)|keeping the old key/);
    }
  });
});
