/**
 * The Store port's contract (src/workflow/ports/store.ts), as tests every implementation runs: call
 * `storeContract(name, factory)` from a test file. The factory gives fresh storage per test; `open` may be
 * called again after `close` to reopen the same storage. Nothing here looks at files or tables: only
 * what the port promises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/domain/audit-event.ts';
import type { Notice, RequestNotice } from '../../src/domain/notice.ts';
import type { Request } from '../../src/domain/request.ts';
import { newReview, reviewTransition, type Review, type ReviewEvent } from '../../src/domain/review.ts';
import { StoreConflictError, type SealedSecret, type Store } from '../../src/workflow/ports.ts';
import { apply, denied, makeRequest, T0 } from '../support/fixtures.ts';

export interface StoreUnderTest {
  /** Opens the storage (again, after a close: the same storage). */
  open(): Promise<Store>;
  /** Removes the storage; the store is closed already, or never opened. */
  dispose(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

const event = (eventId: string, requestId?: string): AuditRecord => ({
  eventId,
  time: T0,
  ...(requestId ? { requestId } : {}),
  actor: 'U_ALICE',
  event: 'request.submitted',
  details: { n: eventId },
});

const noticeOf = (id: string, request: Request): RequestNotice => ({
  id,
  event: 'request.submitted',
  request,
  actor: 'U_ALICE',
});

const sweepNotice = (id: string): Notice => ({
  id,
  actor: 'system',
  event: 'sweep.unexplained',
  finding: { provider: 'cf', group: 'admins', member: 'mallory' },
});

const requestedReview = (id: string, now = T0): Review =>
  newReview({
    id,
    itemId: 'cf-admins',
    provider: 'cf',
    group: 'admins',
    reviewerSet: 'leads',
    requestedBy: 'U_ERIN',
    now,
  });

function reviewed(review: Review, event: ReviewEvent, now = T0 + 1_000): Review {
  const next = reviewTransition(review, event, now);
  if (!next.ok) throw new Error(next.error.message);
  return next.value;
}

const started = (review: Review): Review =>
  reviewed(review, {
    type: 'start',
    members: [{ id: 'u-bob', name: 'bob', reviewers: ['U_CAROL'] }],
    reviewers: ['U_CAROL'],
    deadline: T0 + 86_400_000,
  });

/** Brings the audit log up to date from the outbox, as the workflow's recorder does. */
async function flushAudit(store: Store): Promise<void> {
  const pending = await store.pendingAudit();
  const entries = await store.auditLog.append(pending);
  const last = entries.at(-1);
  if (last) await store.auditWritten({ seq: last.seq, hash: last.hash, eventId: last.eventId });
}

/** Every audit event the store holds, in order: those in the log, then those still waiting for it. */
async function auditedIds(store: Store): Promise<string[]> {
  const ids: string[] = [];
  for await (const entry of store.auditLog.read()) ids.push(entry.eventId);
  return [...ids, ...(await store.pendingAudit()).map((e) => e.eventId)];
}

const noticeIds = async (store: Store) => (await store.pendingNotices()).map((n) => n.id);

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let subject: StoreUnderTest | undefined;
    let open: Store | undefined;

    afterEach(async () => {
      await open?.close().catch(() => undefined);
      open = undefined;
      await subject?.dispose();
      subject = undefined;
    });

    async function fresh(): Promise<Store> {
      subject = await factory();
      open = await subject.open();
      return open;
    }

    async function reopen(): Promise<Store> {
      await open!.close();
      open = undefined;
      open = await subject!.open();
      return open;
    }

    /** A new pending request, committed. */
    async function submitted(store: Store, requester = 'U_ALICE'): Promise<Request> {
      const request = makeRequest(await store.reserveNumber(), { requester });
      await store.commit({ request, expectedVersion: null, audit: [] });
      return request;
    }

    describe('requests', () => {
      it('hands out increasing numbers, never the same one twice', async () => {
        const store = await fresh();
        const numbers = await Promise.all([store.reserveNumber(), store.reserveNumber(), store.reserveNumber()]);
        expect(new Set(numbers).size).toBe(3);
        const request = makeRequest(Math.max(...numbers));
        await store.commit({ request, expectedVersion: null, audit: [] });
        const reopened = await reopen();
        expect(await reopened.reserveNumber()).toBeGreaterThan(Math.max(...numbers));
      });

      it('refuses a commit from a stale version (compare-and-set) and writes nothing of it', async () => {
        const store = await fresh();
        const request = await submitted(store);
        const approved = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
        await store.commit({ request: approved, expectedVersion: 1, audit: [] });
        const cancelled = apply(request, { type: 'cancel', actor: 'U_ALICE', isAdmin: false });
        const stale = store.commit({
          request: cancelled,
          expectedVersion: 1,
          audit: [event('lost', request.id)],
          notices: [noticeOf('lost', cancelled)],
        });
        await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
        await expect(store.commit({ request, expectedVersion: null, audit: [] })).rejects.toMatchObject({
          code: 'store_conflict',
          requestId: request.id,
        });
        expect((await store.get(request.id))?.status.state).toBe('approved');
        expect(await auditedIds(store)).not.toContain('lost');
        expect(await noticeIds(store)).not.toContain('lost');
      });

      it('lets exactly one of two concurrent transitions from the same version win', async () => {
        const store = await fresh();
        const request = await submitted(store);
        const a = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
        const b = apply(request, { type: 'deny', actor: 'U_CAROL', eligible: true, reason: 'no' });
        const results = await Promise.allSettled([
          store.commit({ request: a, expectedVersion: 1, audit: [event('a', request.id)] }),
          store.commit({ request: b, expectedVersion: 1, audit: [event('b', request.id)] }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
        const winner = results[0]!.status === 'fulfilled' ? 'a' : 'b';
        expect((await auditedIds(store)).filter((id) => id === 'a' || id === 'b')).toEqual([winner]);
      });

      it('serves open and closed requests by id, number, submission and filter, by number', async () => {
        const store = await fresh();
        const open = makeRequest(await store.reserveNumber(), { requester: 'U_ALICE' });
        const closed = {
          ...makeRequest(await store.reserveNumber(), { requester: 'U_DAVE' }),
          submissionKey: 'form-1',
        };
        await store.commit({ request: open, expectedVersion: null, audit: [] });
        await store.commit({ request: closed, expectedVersion: null, audit: [] });
        await store.commit({ request: denied(closed), expectedVersion: 1, audit: [] });
        expect((await store.openRequests()).map((r) => r.id)).toEqual([open.id]);
        expect((await store.get(closed.id))?.status.state).toBe('denied');
        expect((await store.getByNumber(closed.number))?.id).toBe(closed.id);
        expect((await store.findSubmission('U_DAVE', 'form-1'))?.id).toBe(closed.id);
        expect(await store.findSubmission('U_ALICE', 'form-1')).toBeUndefined();
        expect((await store.list()).map((r) => r.id)).toEqual([open.id, closed.id]);
        expect((await store.list({ states: ['denied'] })).map((r) => r.id)).toEqual([closed.id]);
        expect((await store.list({ requester: 'U_ALICE' })).map((r) => r.id)).toEqual([open.id]);
        expect(await store.get('nope')).toBeUndefined();
      });
    });

    describe('audit outbox and notices', () => {
      it('writes the audit events and notices of a commit with it, in commit order, record() included', async () => {
        const store = await fresh();
        const request = makeRequest(await store.reserveNumber());
        await store.commit({
          request,
          expectedVersion: null,
          audit: [event('e1', request.id), event('e2', request.id)],
          notices: [noticeOf('e1', request)],
        });
        await store.record({ audit: [event('s1')], notices: [sweepNotice('s1')] });
        const approved = apply(request, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
        await store.commit({
          request: approved,
          expectedVersion: 1,
          audit: [event('e3', request.id)],
          notices: [noticeOf('e3', approved)],
        });
        expect(await auditedIds(store)).toEqual(['e1', 'e2', 's1', 'e3']);
        expect(await noticeIds(store)).toEqual(['e1', 's1', 'e3']);
        const [first] = await store.pendingNotices();
        expect(first).toEqual(noticeOf('e1', request));
      });

      it('moves events written to the log out of the outbox and records the head', async () => {
        const store = await fresh();
        const request = await submitted(store);
        await store.commit({
          request: denied(request),
          expectedVersion: 1,
          audit: [event('e1', request.id), event('e2', request.id)],
        });
        await flushAudit(store);
        expect(await store.pendingAudit()).toEqual([]);
        const head = await store.auditLog.head();
        expect(head?.eventId).toBe('e2');
        expect(await store.auditHead()).toEqual(head);
        await store.record({ audit: [event('e3')], notices: [] });
        await flushAudit(store);
        expect(await auditedIds(store)).toEqual(['e1', 'e2', 'e3']);
      });

      it('takes a delivered notice out together with its follow-up, which joins the end; done twice is done once', async () => {
        const store = await fresh();
        const request = makeRequest(await store.reserveNumber());
        await store.commit({
          request,
          expectedVersion: null,
          audit: [event('n1', request.id)],
          notices: [noticeOf('n1', request), noticeOf('n2', request)],
        });
        const followUp = { audit: [event('f1')], notices: [sweepNotice('f1')] };
        await store.noticeDone('n1', followUp);
        expect(await noticeIds(store)).toEqual(['n2', 'f1']);
        expect(await auditedIds(store)).toEqual(['n1', 'f1']);
        await store.noticeDone('n1', followUp);
        expect(await noticeIds(store)).toEqual(['n2', 'f1']);
        expect(await auditedIds(store)).toEqual(['n1', 'f1']);
        await store.noticeDone('n2');
        await store.noticeDone('f1');
        expect(await store.pendingNotices()).toEqual([]);
      });

      it("lists the subjects with notices waiting, each once in the order of its oldest, and reads one subject's notices in commit order", async () => {
        const store = await fresh();
        const first = makeRequest(await store.reserveNumber());
        const second = makeRequest(await store.reserveNumber());
        await store.commit({ request: first, expectedVersion: null, audit: [], notices: [noticeOf('a1', first)] });
        await store.record({ audit: [], notices: [sweepNotice('s1')] });
        await store.commit({ request: second, expectedVersion: null, audit: [], notices: [noticeOf('b1', second)] });
        const approved = apply(first, { type: 'approve', actor: 'U_BOB', eligible: true, stage: 0 });
        await store.commit({
          request: approved,
          expectedVersion: first.version,
          audit: [],
          notices: [noticeOf('a2', approved)],
        });
        expect(await store.noticeSubjects()).toEqual([first.id, 's1', second.id]);
        expect(await store.pendingNoticesOf(first.id)).toEqual([noticeOf('a1', first), noticeOf('a2', approved)]);
        expect((await store.pendingNoticesOf('s1')).map((n) => n.id)).toEqual(['s1']);
        expect(await store.pendingNoticesOf('nobody')).toEqual([]);
        await store.noticeDone('a1');
        await store.noticeDone('s1');
        expect(await store.noticeSubjects()).toEqual([second.id, first.id]);
        expect((await store.pendingNoticesOf(first.id)).map((n) => n.id)).toEqual(['a2']);
      });
    });

    describe('audit log', () => {
      it('chains its entries: numbered in order, each hash linking the previous, readable from a sequence number', async () => {
        const store = await fresh();
        const first = await store.auditLog.append([event('a1'), event('a2')]);
        const second = await store.auditLog.append([event('a3')]);
        expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
        expect(first[1]!.prevHash).toBe(first[0]!.hash);
        expect(second[0]!.prevHash).toBe(first[1]!.hash);
        expect(await store.auditLog.head()).toEqual({ seq: 3, hash: second[0]!.hash, eventId: 'a3' });
        const after: string[] = [];
        for await (const entry of store.auditLog.read(1)) after.push(entry.eventId);
        expect(after).toEqual(['a2', 'a3']);
        expect(await store.auditLog.entryOf('a2')).toEqual({ seq: 2, hash: first[1]!.hash });
      });

      it('never forks under concurrent appends', async () => {
        const store = await fresh();
        await Promise.all(
          Array.from({ length: 5 }, (_, i) => store.auditLog.append([event(`c${i}a`), event(`c${i}b`)])),
        );
        const entries = [];
        for await (const entry of store.auditLog.read()) entries.push(entry);
        expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
        for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
      });

      it('refuses, whole, a batch whose details hold a secret', async () => {
        const store = await fresh();
        await expect(
          store.auditLog.append([event('ok'), { ...event('bad'), details: { password: 'hunter2-hunter2' } }]),
        ).rejects.toThrow(/secret/);
        expect(await store.auditLog.head()).toBeUndefined();
      });
    });

    describe('Slack message references', () => {
      it('keeps each request’s messages and each notice’s progress until delivered or forgotten', async () => {
        const store = await fresh();
        const refs = store.messages;
        expect(await refs.get('r1')).toEqual({ approvals: [] });
        await refs.update('r1', (r) => ({ ...r, audit: { channel: 'C1', ts: '1.1' } }));
        await refs.update('r1', (r) => ({
          ...r,
          approvals: [...r.approvals, { channel: 'C2', ts: '2.2', stage: 0, settled: false }],
        }));
        expect(await refs.get('r1')).toEqual({
          audit: { channel: 'C1', ts: '1.1' },
          approvals: [{ channel: 'C2', ts: '2.2', stage: 0, settled: false }],
        });
        await refs.markPart('n1', 'audit-reply');
        await refs.markPart('n1', 'requester');
        await refs.markFailed('n1', { part: 'ask:channel', to: { channel: 'C2' }, code: 'not_in_channel' });
        await refs.intend('n1:requester', T0);
        await refs.intend('r1:audit-root', T0 + 1);
        expect(await refs.partsDone('n1')).toEqual(['audit-reply', 'requester']);
        expect(await refs.failures('n1')).toEqual([
          { part: 'ask:channel', to: { channel: 'C2' }, code: 'not_in_channel' },
        ]);
        expect(await refs.intentOf('n1:requester')).toBe(T0);
        await refs.delivered('n1');
        expect(await refs.partsDone('n1')).toEqual([]);
        expect(await refs.failures('n1')).toEqual([]);
        expect(await refs.intentOf('n1:requester')).toBeUndefined();
        expect(await refs.intentOf('r1:audit-root')).toBe(T0 + 1);
        await refs.forget('r1');
        expect(await refs.get('r1')).toEqual({ approvals: [] });
        expect(await refs.intentOf('r1:audit-root')).toBeUndefined();
      });

      it('applies concurrent updates of one request one after the other', async () => {
        const store = await fresh();
        await Promise.all(
          Array.from({ length: 5 }, (_, i) =>
            store.messages.update('r1', (r) => ({
              ...r,
              approvals: [...r.approvals, { channel: `C${i}`, ts: `${i}.0`, stage: 0, settled: false }],
            })),
          ),
        );
        expect((await store.messages.get('r1')).approvals).toHaveLength(5);
      });
    });

    describe('submission counters', () => {
      const limit = { count: 2, windowMs: 60_000 };

      it('allows `count` submissions per sliding window, each person on their own', async () => {
        const store = await fresh();
        const counters = store.submissions;
        expect(await counters.take('U_ALICE', T0, limit)).toBe(true);
        expect(await counters.take('U_ALICE', T0 + 10_000, limit)).toBe(true);
        expect(await counters.take('U_ALICE', T0 + 20_000, limit)).toBe(false);
        expect(await counters.take('U_BOB', T0 + 20_000, limit)).toBe(true);
        expect(await counters.count('U_ALICE', T0 + 20_000, limit.windowMs)).toBe(2);
        // The first one leaves the window at T0 + 60 s.
        expect(await counters.take('U_ALICE', T0 + 60_000, limit)).toBe(true);
        expect(await counters.count('U_ALICE', T0 + 60_000, limit.windowMs)).toBe(2);
      });

      it('of concurrent takes, lets only `count` through', async () => {
        const store = await fresh();
        const taken = await Promise.all(Array.from({ length: 5 }, () => store.submissions.take('U_ALICE', T0, limit)));
        expect(taken.filter(Boolean)).toHaveLength(2);
      });
    });

    describe('allowance uses', () => {
      const cap = { count: 2, windowMs: 3_600_000 };

      it('allows `count` uses per key in its own window, each key on its own', async () => {
        const store = await fresh();
        const key = 'rule:cf-admins:oncall:U_ALICE';
        expect(await store.uses.take(key, T0, cap)).toBe(true);
        expect(await store.uses.take(key, T0 + 60_000, cap)).toBe(true);
        expect(await store.uses.take(key, T0 + 120_000, cap)).toBe(false);
        expect(await store.uses.take('rule:cf-admins:oncall:U_BOB', T0 + 120_000, cap)).toBe(true);
        // Another key's window is a day: its use is still counted when the hour of the first has passed.
        expect(await store.uses.take('break-glass:cf-admins:U_ALICE', T0, { count: 1, windowMs: 86_400_000 })).toBe(
          true,
        );
        expect(await store.uses.count(key, T0 + 120_000, cap.windowMs)).toBe(2);
        expect(await store.uses.take(key, T0 + cap.windowMs, cap)).toBe(true);
        expect(await store.uses.count(key, T0 + cap.windowMs, cap.windowMs)).toBe(2);
        expect(await store.uses.count('break-glass:cf-admins:U_ALICE', T0 + cap.windowMs, 86_400_000)).toBe(1);
      });

      it('of concurrent takes, lets only `count` through', async () => {
        const store = await fresh();
        const taken = await Promise.all(Array.from({ length: 5 }, () => store.uses.take('k', T0, cap)));
        expect(taken.filter(Boolean)).toHaveLength(2);
      });
    });

    describe('sealed secrets', () => {
      const secret: SealedSecret = {
        requestId: 'r1',
        owner: 'U_ALICE',
        sealed: 'v1.sealed-envelope',
        expiresAt: T0 + 60_000,
      };

      it('lends a secret to its owner only, one showing at a time; spent, it is gone for good', async () => {
        const store = await fresh();
        const secrets = store.secrets;
        expect(await secrets.lend('r1', 'U_ALICE', T0, T0 + 5_000)).toEqual({ ok: false, reason: 'unknown' });
        await secrets.put(secret);
        expect(await secrets.holds('r1')).toBe(true);
        expect(await secrets.lend('r1', 'U_MALLORY', T0, T0 + 5_000)).toEqual({ ok: false, reason: 'not_owner' });
        expect(await secrets.lend('r1', 'U_ALICE', T0, T0 + 5_000)).toEqual({ ok: true, secret });
        expect(await secrets.showing('r1', T0 + 1)).toBe(true);
        expect(await secrets.lend('r1', 'U_ALICE', T0 + 1, T0 + 5_000)).toEqual({ ok: false, reason: 'being_shown' });
        await secrets.spend('r1');
        expect(await secrets.holds('r1')).toBe(false);
        expect(await secrets.showing('r1', T0 + 2)).toBe(false);
        expect(await secrets.lend('r1', 'U_ALICE', T0 + 2, T0 + 5_000)).toEqual({
          ok: false,
          reason: 'already_revealed',
        });
      });

      it('of concurrent lends, lends once', async () => {
        const store = await fresh();
        await store.secrets.put(secret);
        const lent = await Promise.all(
          Array.from({ length: 4 }, () => store.secrets.lend('r1', 'U_ALICE', T0, T0 + 5_000)),
        );
        expect(lent.filter((r) => r.ok)).toHaveLength(1);
      });

      it('lends again after a failed showing, or once a showing’s lease lapsed', async () => {
        const store = await fresh();
        await store.secrets.put(secret);
        expect((await store.secrets.lend('r1', 'U_ALICE', T0, T0 + 5_000)).ok).toBe(true);
        await store.secrets.restore('r1');
        expect(await store.secrets.showing('r1', T0 + 1)).toBe(false);
        expect((await store.secrets.lend('r1', 'U_ALICE', T0 + 1, T0 + 5_000)).ok).toBe(true);
        // The replica showing it died: nobody restores it, and its lease lapses.
        expect(await store.secrets.showing('r1', T0 + 5_000)).toBe(false);
        expect((await store.secrets.lend('r1', 'U_ALICE', T0 + 5_000, T0 + 10_000)).ok).toBe(true);
      });

      it('erases a secret past its deadline, when lent for or swept', async () => {
        const store = await fresh();
        await store.secrets.put(secret);
        await store.secrets.put({ ...secret, requestId: 'r2' });
        await store.secrets.put({ ...secret, requestId: 'r3', expiresAt: T0 + 120_000 });
        expect(await store.secrets.lend('r1', 'U_ALICE', T0 + 60_000, T0 + 65_000)).toEqual({
          ok: false,
          reason: 'expired',
        });
        expect(await store.secrets.holds('r1')).toBe(false);
        expect(await store.secrets.dropExpired(T0 + 60_000)).toBe(1);
        expect(await store.secrets.holds('r2')).toBe(false);
        expect(await store.secrets.holds('r3')).toBe(true);
        expect(await store.secrets.lend('r2', 'U_ALICE', T0 + 60_001, T0 + 65_000)).toEqual({
          ok: false,
          reason: 'expired',
        });
        await store.secrets.drop('r3');
        expect(await store.secrets.lend('r3', 'U_ALICE', T0, T0 + 5_000)).toEqual({ ok: false, reason: 'unknown' });
      });

      it('does not erase a secret being shown when its deadline passes meanwhile', async () => {
        const store = await fresh();
        await store.secrets.put(secret);
        expect((await store.secrets.lend('r1', 'U_ALICE', T0 + 59_000, T0 + 64_000)).ok).toBe(true);
        expect(await store.secrets.dropExpired(T0 + 60_000)).toBe(0);
        expect(await store.secrets.showing('r1', T0 + 60_000)).toBe(true);
      });
    });

    describe('leases', () => {
      it('has one holder at a time, lapses at its expiry, and is renewed or released only by its holder', async () => {
        const { leases } = await fresh();
        expect(await leases.claim('outbox', 'A', T0, 10_000)).toBe(true);
        expect(await leases.claim('outbox', 'B', T0 + 1, 10_000)).toBe(false);
        expect(await leases.claim('outbox', 'A', T0 + 2, 10_000)).toBe(true);
        expect(await leases.renew('outbox', 'A', T0 + 5_000, 10_000)).toBe(true);
        expect(await leases.claim('outbox', 'B', T0 + 14_999, 10_000)).toBe(false);
        // A died: its lease lapses, B takes it, and A cannot renew it any more.
        expect(await leases.claim('outbox', 'B', T0 + 15_000, 10_000)).toBe(true);
        expect(await leases.renew('outbox', 'A', T0 + 15_001, 10_000)).toBe(false);
        await leases.release('outbox', 'A');
        expect(await leases.claim('outbox', 'C', T0 + 15_002, 10_000)).toBe(false);
        await leases.release('outbox', 'B');
        expect(await leases.claim('outbox', 'C', T0 + 15_003, 10_000)).toBe(true);
        expect(await leases.claim('tick', 'A', T0 + 15_003, 10_000)).toBe(true);
      });

      it('of concurrent claims, grants one', async () => {
        const { leases } = await fresh();
        const claims = await Promise.all(
          ['A', 'B', 'C', 'D'].map((holder) => leases.claim('request:r1', holder, T0, 10_000)),
        );
        expect(claims.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('reviews', () => {
      it('saves a review with its audit events and notices, compare-and-set on its version', async () => {
        const store = await fresh();
        const review = requestedReview('r1');
        await store.reviews.save({ review, expectedVersion: null, audit: [event('r1-asked')] });
        const open = started(review);
        await store.reviews.save({
          review: open,
          expectedVersion: 1,
          audit: [event('r1-started')],
          notices: [{ id: 'r1-started', event: 'review.started', review: open, actor: 'system' }],
        });
        const stale = store.reviews.save({
          review: reviewed(review, { type: 'fail', problem: 'x' }),
          expectedVersion: 1,
          audit: [event('lost')],
          notices: [{ id: 'lost', event: 'review.failed', review, actor: 'system' }],
        });
        await expect(stale).rejects.toBeInstanceOf(StoreConflictError);
        await expect(stale).rejects.toMatchObject({ code: 'store_conflict', requestId: 'r1' });
        await expect(store.reviews.save({ review, expectedVersion: null, audit: [] })).rejects.toBeInstanceOf(
          StoreConflictError,
        );
        expect(await store.reviews.get('r1')).toEqual(open);
        expect(await auditedIds(store)).toEqual(['r1-asked', 'r1-started']);
        expect(await noticeIds(store)).toEqual(['r1-started']);
      });

      it('lets exactly one of two concurrent decisions from the same version win', async () => {
        const store = await fresh();
        const review = requestedReview('r1');
        await store.reviews.save({ review, expectedVersion: null, audit: [] });
        const open = started(review);
        await store.reviews.save({ review: open, expectedVersion: 1, audit: [] });
        const decide = (verdict: 'keep' | 'remove') =>
          store.reviews.save({
            review: reviewed(open, {
              type: 'decide',
              actor: 'U_CAROL',
              memberId: 'u-bob',
              verdict,
              stillReviewer: true,
              ...(verdict === 'remove' ? { removalId: 'req-x' } : {}),
            }),
            expectedVersion: open.version,
            audit: [event(verdict)],
          });
        const results = await Promise.allSettled([decide('keep'), decide('remove')]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect((await store.reviews.get('r1'))?.version).toBe(open.version + 1);
        expect((await auditedIds(store)).filter((id) => id === 'keep' || id === 'remove')).toHaveLength(1);
      });

      it('lists open reviews apart from closed ones, oldest first, and keeps both across a reopen', async () => {
        const store = await fresh();
        const later = requestedReview('r-later', T0 + 5);
        const closing = requestedReview('r-closed', T0 + 1);
        const failing = requestedReview('r-failed', T0 + 2);
        for (const r of [later, closing, failing])
          await store.reviews.save({ review: r, expectedVersion: null, audit: [] });
        const open = started(closing);
        await store.reviews.save({ review: open, expectedVersion: 1, audit: [] });
        const closed = reviewed(open, { type: 'close' }, T0 + 86_400_000);
        await store.reviews.save({ review: closed, expectedVersion: 2, audit: [] });
        const failed = reviewed(failing, { type: 'fail', problem: 'cannot list' });
        await store.reviews.save({ review: failed, expectedVersion: 1, audit: [] });
        const check = async (s: Store) => {
          expect((await s.reviews.open()).map((r) => r.id)).toEqual(['r-later']);
          expect((await s.reviews.list()).map((r) => r.id)).toEqual(['r-closed', 'r-failed', 'r-later']);
          expect(await s.reviews.get('r-closed')).toEqual(closed);
          expect(await s.reviews.get('nope')).toBeUndefined();
        };
        await check(store);
        await check(await reopen());
        const again = await reopen();
        await expect(
          again.reviews.save({ review: { ...closed, version: closed.version + 1 }, expectedVersion: 2, audit: [] }),
        ).rejects.toBeInstanceOf(StoreConflictError);
      });
    });

    it('keeps everything across a reopen', async () => {
      const store = await fresh();
      const open = makeRequest(await store.reserveNumber());
      const closed = makeRequest(await store.reserveNumber());
      await store.commit({
        request: open,
        expectedVersion: null,
        audit: [event('o1', open.id)],
        notices: [noticeOf('o1', open)],
      });
      await store.commit({ request: closed, expectedVersion: null, audit: [] });
      await store.commit({ request: denied(closed), expectedVersion: 1, audit: [event('c1', closed.id)] });
      await flushAudit(store);
      await store.record({ audit: [event('p1')], notices: [sweepNotice('p1')] });
      await store.messages.update(open.id, (r) => ({ ...r, audit: { channel: 'C1', ts: '1.1' } }));
      await store.messages.markPart('o1', 'audit-reply');
      await store.messages.intend('o1:requester', T0);
      await store.submissions.take('U_ALICE', T0, { count: 1, windowMs: 60_000 });
      await store.uses.take('rule:cf-admins:oncall:U_ALICE', T0, { count: 1, windowMs: 86_400_000 });
      await store.secrets.put({ requestId: open.id, owner: 'U_ALICE', sealed: 'sealed', expiresAt: T0 + 60_000 });
      const head = await store.auditHead();

      const reopened = await reopen();
      expect(await reopened.get(open.id)).toEqual(open);
      expect((await reopened.get(closed.id))?.status.state).toBe('denied');
      expect((await reopened.openRequests()).map((r) => r.id)).toEqual([open.id]);
      expect(await reopened.reserveNumber()).toBeGreaterThan(closed.number);
      expect(await noticeIds(reopened)).toEqual(['o1', 'p1']);
      expect(await auditedIds(reopened)).toEqual(['o1', 'c1', 'p1']);
      expect(await reopened.auditHead()).toEqual(head);
      expect((await reopened.messages.get(open.id)).audit).toEqual({ channel: 'C1', ts: '1.1' });
      expect(await reopened.messages.partsDone('o1')).toEqual(['audit-reply']);
      expect(await reopened.messages.intentOf('o1:requester')).toBe(T0);
      expect(await reopened.submissions.take('U_ALICE', T0 + 1, { count: 1, windowMs: 60_000 })).toBe(false);
      expect(
        await reopened.uses.take('rule:cf-admins:oncall:U_ALICE', T0 + 1, { count: 1, windowMs: 86_400_000 }),
      ).toBe(false);
      expect(await reopened.secrets.lend(open.id, 'U_ALICE', T0 + 1, T0 + 5_000)).toMatchObject({
        ok: true,
        secret: { sealed: 'sealed' },
      });
    });
  });
}
