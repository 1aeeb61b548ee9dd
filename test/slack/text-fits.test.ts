/**
 * Text that fits (issue 10, Build 6): free text of any allowed length is cut for display where Slack
 * limits it — with an ellipsis, never inside a character — so Slack never refuses the message or view.
 * The strict simulator's validator is the judge.
 */
import { describe, expect, it } from 'vitest';
import { MAX_REASON_LENGTH_LIMIT } from '../../src/config/policy-schema.ts';
import { checkMessageBlocks, checkView, describe as describeProblem } from '../../src/simulators/slack/block-kit.ts';
import { settledApprovalMessage } from '../../src/slack/views/approval.ts';
import { auditReply, auditRoot } from '../../src/slack/views/audit-thread.ts';
import { escape, fit } from '../../src/slack/views/format.ts';
import { mfaConfirmModal } from '../../src/slack/views/modals.ts';
import { requesterUpdate } from '../../src/slack/views/requester.ts';
import { apply, groupItem, makeRequest } from '../support/fixtures.ts';

const problems = (check: { errors: { pointer: string; message: string }[] }) => check.errors.map(describeProblem);

describe('fit', () => {
  it('keeps text that fits and cuts longer text to the limit with an ellipsis', () => {
    expect(fit('hello', 5)).toBe('hello');
    expect(fit('hello world', 8)).toBe('hello w…');
    expect(fit('hello world', 8)).toHaveLength(8);
  });

  it('never splits a surrogate pair, an emoji sequence or a letter from its accent', () => {
    // '😀' is two UTF-16 units; a cut after 'ab' plus half of it would leave a lone surrogate.
    expect(fit('ab😀cd', 4)).toBe('ab…');
    const family = '👩‍👩‍👧‍👦'; // one grapheme, 11 UTF-16 units
    expect(fit(`x${family}${family}`, 14)).toBe(`x${family}…`);
    expect(fit('e\u0301e\u0301e\u0301', 4)).toBe('e\u0301…');
    expect(fit('😀😀😀', 6)).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('measures the encoded text, and never cuts inside an escape', () => {
    expect(fit('a&b', 5, escape)).toBe('a&amp;b'.length <= 5 ? 'a&amp;b' : 'a…');
    expect(fit('<<<<', 9, escape)).toBe('&lt;&lt;…');
    expect(fit('<<<<', 16, escape)).toBe('&lt;&lt;&lt;&lt;');
  });
});

describe('Found 1: the MFA identity attestation', () => {
  it('is a modal views.open accepts: every checkbox option within 75 characters', () => {
    const item = { ...groupItem, id: 'jcs-mfa', kind: 'mfa.reset' as const, title: 'JCS MFA reset' };
    const view = mfaConfirmModal(makeRequest(7, { item, durationMs: undefined }), item, 0);
    expect(problems(checkView(view, 'modal'))).toEqual([]);
  });
});

describe('Found 3: a denial with the longest reason the policy allows', () => {
  const reason = 'r'.repeat(MAX_REASON_LENGTH_LIMIT);
  const request = apply(makeRequest(9), { type: 'deny', actor: 'U_BOB', eligible: true, reason });

  it('still fits the audit root, the settled approval message and the requester’s DM', () => {
    expect(problems(checkMessageBlocks(auditRoot(request, groupItem).blocks))).toEqual([]);
    expect(problems(checkMessageBlocks(settledApprovalMessage(request, groupItem, 0).blocks))).toEqual([]);
    const dm = requesterUpdate({ id: 'ev-1', event: 'request.denied', request, actor: 'U_BOB' }, groupItem);
    expect(problems(checkMessageBlocks(dm?.blocks))).toEqual([]);
  });

  it('is cut for display with an ellipsis, and kept whole in the audit reply', () => {
    const root = JSON.stringify(auditRoot(request, groupItem).blocks);
    expect(root).toContain('r…');
    expect(auditReply({ id: 'ev-1', event: 'request.denied', request, actor: 'U_BOB' })).toContain(reason);
  });
});
