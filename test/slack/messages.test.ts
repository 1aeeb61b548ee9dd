/**
 * What people read (Found 9, Build 7): emoji shortcodes and date tokens intact, times as Slack date
 * tokens with a readable fallback (never raw ISO), group names rather than provider ids, and provider
 * request ids only in the audit thread.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../../src/domain/policy.ts';
import type { Request } from '../../src/domain/request.ts';
import type { RequestNotice } from '../../src/domain/notice.ts';
import { settledApprovalMessage, approvalMessage } from '../../src/slack/views/approval.ts';
import { auditReply, auditRoot } from '../../src/slack/views/audit-thread.ts';
import { expiringMessage } from '../../src/slack/views/grant.ts';
import { requesterUpdate } from '../../src/slack/views/requester.ts';
import { secretReadyMessage } from '../../src/slack/views/rotation.ts';
import { groupItem, makeRequest, T0 } from '../support/fixtures.ts';

const GROUP_ID = '3f1b9a2c-4d5e-6f70-8192-a3b4c5d6e7f8';
const PROVIDER_REQUEST = 'req-7c1e0f2a';
const item: CatalogItem = { ...groupItem, group: GROUP_ID };
const ENDS = T0 + 3_600_000;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DATE_TOKEN = `<!date^${ENDS / 1000}^{date_short_pretty} at {time}|21 Nov 2026, 10:00 UTC>`;

function granted(): Request {
  const request = makeRequest(7, { item });
  return {
    ...request,
    status: {
      state: 'completed',
      at: T0,
      grantExpiresAt: ENDS,
      outcome: { summary: `added alice to ${GROUP_ID}`, providerRequestId: PROVIDER_REQUEST, membershipAdded: true },
    },
  };
}

const notice = (request: Request, event: RequestNotice['event']): RequestNotice => ({
  id: 'e1',
  event,
  request,
  actor: 'system',
});

describe('people’s messages', () => {
  it('keep emoji shortcodes and date tokens whole in the notification text and the blocks', () => {
    const dm = requesterUpdate(notice(granted(), 'execution.completed'), item);
    expect(dm?.text).toContain(':white_check_mark:');
    expect(dm?.text).toContain('21 Nov 2026, 10:00 UTC');
    expect(dm?.text).not.toMatch(/whitecheckmark|dateshortpretty|<!date/);
    expect(JSON.stringify(dm?.blocks)).toContain(JSON.stringify(DATE_TOKEN).slice(1, -1));
  });

  it('show times as Slack date tokens with a readable fallback, never raw ISO', () => {
    const request = granted();
    const messages = [
      requesterUpdate(notice(request, 'execution.completed'), item),
      expiringMessage(request, item, ENDS),
      secretReadyMessage(request, item, ENDS),
      auditRoot(request, item),
      { text: auditReply(notice(request, 'grant.expiring')) },
    ];
    for (const message of messages) {
      expect(JSON.stringify(message)).not.toMatch(ISO);
      expect(JSON.stringify(message)).toContain('{date_short_pretty} at {time}');
    }
  });

  it('name the group by its title and leave provider ids to the audit thread', () => {
    const request = granted();
    const forPeople = [
      requesterUpdate(notice(request, 'execution.completed'), item),
      settledApprovalMessage(request, item, 0),
      approvalMessage(makeRequest(8, { item }), item, 0),
    ];
    for (const message of forPeople) {
      const json = JSON.stringify(message);
      expect(json).toContain('Cloudflare admins');
      expect(json).not.toContain(GROUP_ID);
      expect(json).not.toContain(PROVIDER_REQUEST);
    }
    const audit = JSON.stringify(auditRoot(request, item)) + auditReply(notice(request, 'execution.completed'));
    expect(audit).toContain(GROUP_ID);
    expect(audit).toContain(`provider request ${PROVIDER_REQUEST}`);
  });

  it('show an outcome summary’s ISO time in the audit thread as a date token', () => {
    const request = granted();
    const extended: Request = {
      ...request,
      status: {
        state: 'completed',
        at: T0,
        outcome: { summary: `extended REQ-0001 until ${new Date(ENDS).toISOString()}` },
      },
    };
    const reply = auditReply(notice(extended, 'execution.completed'));
    expect(reply).toContain(DATE_TOKEN);
    expect(reply).not.toMatch(ISO);
  });

  it('name a service principal’s key by the item’s title; its provider id only in the audit thread', () => {
    const APP_ID = '5c1d2e3f-0a1b-4c2d-8e3f-4a5b6c7d8e9f';
    const keyItem: CatalogItem = {
      ...groupItem,
      id: 'scw-ci-key',
      title: 'Scaleway CI pipeline key',
      kind: 'key.rotate',
      principal: APP_ID,
    };
    const request: Request = {
      ...makeRequest(9),
      itemId: keyItem.id,
      operation: { kind: 'key.rotate', principal: APP_ID },
    };
    const people = JSON.stringify(approvalMessage(request, keyItem, 0));
    expect(people).toContain('rotate *Scaleway CI pipeline key*');
    expect(auditRoot(request, keyItem).blocks[0]).toMatchObject({
      text: { text: expect.stringContaining(`principal \`${APP_ID}\``) },
    });
  });
});
