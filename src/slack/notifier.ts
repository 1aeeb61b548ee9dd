/**
 * Tells people in Slack: the audit thread (root kept current, one reply per event), the approval
 * messages of each stage (updated as approvals come in, settled with no live button once decided), the
 * requester's DMs (Extend / "I'm done" settled once the access ends), the key owner's Reveal message
 * (moved along the rotation), and the App Home of everyone the change concerns. Each notice is delivered in parts whose progress
 * is persisted, so a delivery retried after a failure (Slack 429/5xx, a restart) does not repeat the
 * parts already done.
 */
import { findItem, type CatalogItem, type Policy } from '../domain/policy.ts';
import {
  describeNotice,
  isRequestNotice,
  isReviewNotice,
  isUndeliveredNotice,
  type Notice,
  type Recipient,
  type RequestNotice,
  type ReviewNotice,
  type SweepNotice,
  type UndeliveredNotice,
} from '../domain/notice.ts';
import { isClosed, type Request } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import {
  DeliveryError,
  type AuditLookup,
  type DeliveryReport,
  type Notifier,
  type ApprovalRef,
  type MessageRefStore,
} from '../workflow/ports.ts';
import { DmChannels, post, type SlackClient } from './client.ts';
import { describeSlackError, platformError, rateLimitedFor } from './errors.ts';
import { OncePoster } from './post-once.ts';
import type { ReviewDmRef } from '../workflow/ports.ts';
import { pendingFor } from '../domain/review.ts';
import { reviewAuditReply, reviewAuditRoot, reviewMessage, reviewReminder, undecidedReport } from './views/review.ts';
import { approvalMessage, settledApprovalMessage, type Message } from './views/approval.ts';
import { auditReply, auditRoot, checkpointMessage } from './views/audit-thread.ts';
import { checkpointMetadata, replyMetadata, rootMetadata } from './audit-metadata.ts';
import { requesterUpdate } from './views/requester.ts';
import { ownerKeyMessage, secretReadyMessage } from './views/rotation.ts';
import {
  expiringMessage,
  grantedMessage,
  grantEndedMessage,
  revokeFailingMessage,
  unverifiedEffectMessage,
} from './views/grant.ts';
import { stateLabel } from './views/format.ts';
import { sweepText } from './views/sweep.ts';
import { undeliveredMessage } from './views/undelivered.ts';

/**
 * Slack errors a retry may cure. The token errors are here too: they are not about a recipient but
 * about the bot itself (for a bot token `account_inactive` means its workspace or user was deleted,
 * https://api.slack.com/methods/chat.postMessage), every part would fail alike, and the notices are
 * better kept in the outbox until an admin fixes the token than reported undeliverable one by one.
 * Any other platform error (`not_in_channel`, `channel_not_found`, `is_archived`, `user_disabled`, …)
 * means that recipient cannot be reached as things stand.
 */
const TRANSIENT_SLACK_ERRORS = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
]);

/** One delivery attempt of a notice: the first error a retry may cure, kept while the other parts go on. */
interface Attempt {
  notice: Notice;
  retry?: unknown;
}

/** How the notifier refreshes App Homes: who a request concerns, and one person's Home, built from the requests as they stand. */
export interface HomeRefresh {
  concerned(request: Request): Promise<readonly string[]>;
  publish(user: string): Promise<void>;
}

/**
 * Events that change what a request's approvers and the admins see on their Home (what waits for a
 * decision); every other event changes only its requester's (the state of their open requests).
 */
const APPROVER_HOME_EVENTS: ReadonlySet<string> = new Set([
  'request.submitted',
  'request.approval_recorded',
  'request.auto_approved',
  'request.stage_passed',
  'request.approved',
  'request.denied',
  'request.cancelled',
  'request.expired',
  'request.escalated',
]);

export class SlackNotifier implements Notifier {
  readonly #dms: DmChannels;
  /** Every post goes through here: a delivery retried after a crash finds what the lost attempt posted. */
  readonly #once: OncePoster;

  constructor(
    private readonly client: SlackClient,
    private readonly policy: Policy,
    private readonly refs: MessageRefStore,
    private readonly log: Logger,
    /** Where the log wrote each event, so replies can quote it (see audit-metadata.ts). */
    private readonly logged: AuditLookup = async () => undefined,
    /** The App Home refresh, once the workflow it reads exists (undefined before: the notice waits). */
    private readonly homes?: () => HomeRefresh | undefined,
  ) {
    this.#dms = new DmChannels(client);
    this.#once = new OncePoster(client, refs, this.#dms);
  }

  /**
   * Delivers each part on its own: one recipient that cannot be reached (permanently: recorded, not
   * tried again; transiently: retried with the whole notice) never keeps the others from hearing.
   */
  async deliver(notice: Notice): Promise<DeliveryReport> {
    const attempt: Attempt = { notice };
    if (isUndeliveredNotice(notice)) await this.#reportUndelivered(attempt, notice);
    else if (isRequestNotice(notice)) await this.#request(attempt, notice);
    else if (isReviewNotice(notice)) await this.#review(attempt, notice);
    else await this.#part(attempt, 'sweep', this.#auditChannel(), () => this.#sweepFinding(notice));
    if (attempt.retry !== undefined) throw deliveryError(attempt.retry);
    return { undelivered: await this.refs.failures(notice.id) };
  }

  async settled(notice: Notice): Promise<void> {
    await this.refs.delivered(notice.id);
    if (isRequestNotice(notice) && isClosed(notice.request)) await this.refs.forget(notice.request.id);
  }

  /**
   * An access review: its audit thread; at the start one message per reviewer (page 1 of the members
   * they may decide); each decision and the close update the messages that show the member (the close
   * takes every button away); the reminder and the admins' report of what nobody decided are DMs.
   */
  async #review(attempt: Attempt, notice: ReviewNotice): Promise<void> {
    const { review } = notice;
    const item = findItem(this.policy, review.itemId);
    const audit = this.#auditChannel();
    await this.#part(attempt, 'audit-reply', audit, () => this.#reviewAuditReply(notice, item));
    await this.#part(attempt, 'audit-root', audit, async () => {
      const root = (await this.refs.get(review.id)).audit;
      if (root) await this.client.chat.update({ channel: root.channel, ts: root.ts, ...reviewAuditRoot(review, item) });
    });
    if (notice.event === 'review.started') {
      for (const reviewer of review.reviewers) {
        if (pendingFor(review, reviewer).length === 0) continue;
        await this.#part(attempt, `ask:${reviewer}`, { user: reviewer }, async () => {
          const posted = await this.#once.dm(
            `${notice.id}:ask:${reviewer}`,
            reviewer,
            reviewMessage(review, item, reviewer, 0),
          );
          await this.#saveReviewDm(review.id, { ...posted, user: reviewer, page: 0 });
        });
      }
    }
    if (notice.event === 'review.decided' || notice.event === 'review.closed') {
      const deciders = review.members.find((m) => m.id === notice.memberId)?.reviewers;
      for (const dm of (await this.refs.get(review.id)).reviewDms ?? []) {
        if (notice.event === 'review.decided' && !deciders?.includes(dm.user)) continue;
        await this.#part(attempt, `review:${dm.channel}:${dm.ts}`, { user: dm.user }, () =>
          this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...reviewMessage(review, item, dm.user, dm.page) }),
        );
      }
    }
    if (notice.event === 'review.reminded')
      for (const reviewer of notice.people ?? [])
        await this.#part(attempt, `remind:${reviewer}`, { user: reviewer }, () =>
          this.#once.dm(`${notice.id}:remind:${reviewer}`, reviewer, reviewReminder(review, item, reviewer)),
        );
    if (notice.event === 'review.closed' && review.members.some((m) => !m.decision)) {
      const report = undecidedReport(review, item);
      const admins = notice.people ?? [];
      for (const admin of admins)
        await this.#part(attempt, `admin:${admin}`, { user: admin }, () =>
          this.#once.dm(`${notice.id}:admin:${admin}`, admin, report),
        );
      if (admins.length === 0 && audit)
        await this.#part(attempt, 'admins', audit, () => this.#once.post(`${notice.id}:admins`, audit.channel, report));
    }
  }

  async #reviewAuditReply(notice: ReviewNotice, item: CatalogItem | undefined): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { review } = notice;
    let root = (await this.refs.get(review.id)).audit;
    if (!root) {
      root = await this.#once.post(`${review.id}:audit-root`, channel, reviewAuditRoot(review, item));
      const created = root;
      await this.refs.update(review.id, (r) => ({ ...r, audit: created }));
    }
    const text = reviewAuditReply(notice);
    await this.#once.post(
      `${notice.id}:audit-reply`,
      root.channel,
      { text, metadata: replyMetadata(notice.id, notice.event, text, await this.logged(notice.id)) },
      root.ts,
    );
  }

  /** Records a reviewer's message (and the page it shows), replacing the entry of the same message. */
  #saveReviewDm(reviewId: string, ref: ReviewDmRef): Promise<void> {
    return this.refs.update(reviewId, (r) => ({
      ...r,
      reviewDms: [...(r.reviewDms ?? []).filter((d) => d.channel !== ref.channel || d.ts !== ref.ts), ref],
    }));
  }

  /** A reviewer turned the page of their review message: it shows that page from now on. */
  async showReviewPage(reviewId: string, ref: ReviewDmRef, message: Message): Promise<void> {
    await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
    await this.#saveReviewDm(reviewId, ref);
  }

  async #request(attempt: Attempt, notice: RequestNotice): Promise<void> {
    const { request } = notice;
    const item = findItem(this.policy, request.itemId);
    const audit = this.#auditChannel();
    await this.#part(attempt, 'audit-reply', audit, () => this.#auditReply(notice, item));
    await this.#part(attempt, 'audit-root', audit, () => this.#auditRoot(notice, item));
    await this.#approvals(attempt, notice, item);
    const dm = requesterUpdate(notice, item);
    const requester = { user: request.requester };
    if (dm)
      await this.#part(attempt, 'requester', requester, () => this.#holderDm(`${notice.id}:requester`, request, dm));
    if (notice.event === 'rotation.key_created')
      await this.#part(attempt, 'reveal', requester, () => this.#secretReady(notice.id, request, item));
    if (notice.event === 'grant.expiring')
      await this.#part(attempt, 'expiring', requester, () => this.#expiring(notice.id, request, item));
    if (notice.event === 'revoke.escalated' || notice.event === 'effect.unverified')
      await this.#tellAdmins(attempt, notice, item);
    await this.#part(attempt, 'rotation', requester, () => this.#rotationDm(notice, item));
    await this.#grantDms(attempt, notice, item);
    await this.#refreshHomes(attempt, notice);
  }

  /**
   * Publishes again the Home of everyone the change concerns, so no Approve or Deny lingers there. Each
   * Home is built when published, from the requests as they stand, so a late or repeated refresh is never
   * older than the notice. A Home Slack refuses for good (the person left) is no message lost: logged only.
   */
  async #refreshHomes(attempt: Attempt, notice: RequestNotice): Promise<void> {
    if (!this.homes) return;
    const homes = this.homes();
    if (!homes) {
      attempt.retry ??= new Error('the App Home cannot be built before the workflow is open');
      return;
    }
    let users: readonly string[];
    try {
      users = APPROVER_HOME_EVENTS.has(notice.event)
        ? await homes.concerned(notice.request)
        : [notice.request.requester];
    } catch (error) {
      attempt.retry ??= error;
      return;
    }
    for (const user of users) {
      await this.#part(attempt, `home:${user}`, undefined, async () => {
        try {
          await homes.publish(user);
        } catch (error) {
          const code = permanentCode(error);
          if (code === undefined) throw error;
          this.log.info({ err: error, user, code }, 'an App Home could not be published');
        }
      });
    }
  }

  #auditChannel(): { channel: string } | undefined {
    return this.policy.audit.channel === undefined ? undefined : { channel: this.policy.audit.channel };
  }

  /**
   * Runs one part unless done (or found undeliverable) before. A permanent Slack refusal is recorded
   * for the report and `onPermanent` runs; an error a retry may cure is kept for the whole notice.
   */
  async #part(
    attempt: Attempt,
    part: string,
    to: Recipient | undefined,
    work: () => Promise<unknown>,
    onPermanent?: () => Promise<void>,
  ): Promise<void> {
    const { notice } = attempt;
    if (
      (await this.refs.partsDone(notice.id)).includes(part) ||
      (await this.refs.failures(notice.id)).some((f) => f.part === part)
    )
      return;
    try {
      await work();
    } catch (error) {
      const code = permanentCode(error);
      if (code === undefined || to === undefined) {
        attempt.retry ??= error;
        return;
      }
      this.log.warn(
        { err: error, notice: describeNotice(notice), part, to, code },
        'a part of a notice can never be delivered',
      );
      await this.refs.markFailed(notice.id, { part, to, code });
      await onPermanent?.();
      return;
    }
    await this.refs.markPart(notice.id, part);
  }

  /** Tells the admins (or, when the policy names none, the audit channel) which recipients nobody reached. */
  async #reportUndelivered(attempt: Attempt, notice: UndeliveredNotice): Promise<void> {
    const message = undeliveredMessage(notice);
    if (notice.admins.length > 0) {
      for (const admin of notice.admins)
        await this.#part(attempt, `admin:${admin}`, { user: admin }, () =>
          this.#once.dm(`${notice.id}:admin:${admin}`, admin, message),
        );
      return;
    }
    const audit = this.#auditChannel();
    const auditFailed = notice.undelivered.some((u) => audit && 'channel' in u.to && u.to.channel === audit.channel);
    if (audit && !auditFailed)
      await this.#part(attempt, 'audit', audit, () => this.#once.post(`${notice.id}:audit`, audit.channel, message));
    else if (audit && !(await this.refs.failures(notice.id)).some((f) => f.part === 'audit'))
      await this.refs.markFailed(notice.id, { part: 'audit', to: audit, code: 'no_admins' });
  }

  /** Posts the audit chain head to the audit channel, for `audit verify --checkpoint`. */
  async publishCheckpoint(head: { seq: number; hash: string }): Promise<{ channel: string; ts: string } | undefined> {
    const channel = this.policy.audit.channel;
    if (!channel) return undefined;
    return post(this.client, channel, { ...checkpointMessage(head), metadata: checkpointMetadata(head) });
  }

  /** Direct DMs to the admins (the audit channel when there are none), for when the outbox cannot take a notice. */
  async alertAdmins(admins: readonly string[], text: string): Promise<void> {
    const message = {
      text,
      blocks: [
        { type: 'section' as const, text: { type: 'mrkdwn' as const, text: `:rotating_light: ${escape(text)}` } },
      ],
    };
    const channel = this.policy.audit.channel;
    if (admins.length === 0 && channel) await post(this.client, channel, message);
    for (const admin of admins) await this.#dms.post(admin, message);
  }

  /** What the sweep found, as a message of its own in the audit channel. */
  async #sweepFinding(notice: SweepNotice): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    await this.#once.post(`${notice.id}:sweep`, channel, { text: sweepText(notice) });
  }

  /** The event's reply in the request's audit thread, opening the thread on the first event. */
  async #auditReply(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { request } = notice;
    let root = (await this.refs.get(request.id)).audit;
    if (!root) {
      root = await this.#once.post(`${request.id}:audit-root`, channel, {
        ...auditRoot(request, item),
        metadata: rootMetadata(request.id, request.ref, undefined),
      });
      const created = root;
      await this.refs.update(request.id, (r) => ({ ...r, audit: created }));
    }
    const text = auditReply(notice);
    await this.#once.post(
      `${notice.id}:audit-reply`,
      root.channel,
      { text, metadata: replyMetadata(notice.id, notice.event, text, await this.logged(notice.id)) },
      root.ts,
    );
  }

  /** The thread's root shows the request's current state. */
  async #auditRoot(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const root = (await this.refs.get(notice.request.id)).audit;
    if (!root) return;
    const latest = await this.logged(notice.id);
    const { request } = notice;
    await this.client.chat.update({
      channel: root.channel,
      ts: root.ts,
      ...auditRoot(request, item, latest?.seq),
      metadata: rootMetadata(request.id, request.ref, latest),
    });
  }

  /** Settles or refreshes the earlier approval messages, then asks the stage's approvers if it is their turn. */
  async #approvals(attempt: Attempt, notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    const s = request.status;
    for (const ref of (await this.refs.get(request.id)).approvals) {
      if (ref.settled) continue;
      const decided = s.state !== 'pending' || s.stage > ref.stage;
      const message = decided
        ? settledApprovalMessage(request, item, ref.stage)
        : approvalMessage(request, item, ref.stage, this.policy.providers[request.provider]);
      // A message that can never be updated (deleted, its channel archived) is given up on, not retried with every notice.
      const giveUp = () => this.#saveApproval(request.id, { ...ref, settled: true });
      await this.#part(
        attempt,
        `approval:${ref.channel}:${ref.ts}`,
        { channel: ref.channel },
        async () => {
          await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
          if (decided) await this.#saveApproval(request.id, { ...ref, settled: true });
        },
        giveUp,
      );
    }
    if (s.state !== 'pending') return;
    if (
      // A submission whose first stage a rule passed asks the next stage through the rule's notice.
      (notice.event === 'request.submitted' && s.stage === 0) ||
      notice.event === 'request.auto_approved' ||
      notice.event === 'request.stage_passed' ||
      notice.event === 'request.escalated'
    ) {
      await this.#ask(attempt, notice.id, request, item, s.stage, notice.approvers ?? []);
    } else if (notice.event === 'request.reminded') {
      // A fresh message at the bottom of each approver's DMs; the earlier one stays tracked too.
      await this.#ask(attempt, notice.id, request, item, s.stage, notice.approvers ?? [], true);
    }
  }

  /**
   * The stage's approval message: once in the item's channel, or to each approver by DM (each once) —
   * by DM too when the item's channel refuses it for good.
   */
  async #ask(
    attempt: Attempt,
    noticeId: string,
    request: Request,
    item: CatalogItem | undefined,
    stage: number,
    approvers: readonly string[],
    again = false,
  ): Promise<void> {
    const message = approvalMessage(request, item, stage, this.policy.providers[request.provider]);
    const asked = again ? [] : (await this.refs.get(request.id)).approvals.filter((r) => r.stage === stage);
    const channel = item?.channel;
    // Approvers already asked by DM because the channel refused an earlier message: go on by DM.
    const byDm = asked.some((r) => r.user !== undefined);
    if (channel && !byDm) {
      if (asked.length === 0) {
        await this.#part(attempt, 'ask:channel', { channel }, async () =>
          this.#saveApproval(request.id, {
            ...(await this.#once.post(`${noticeId}:ask:channel`, channel, message)),
            stage,
            settled: false,
          }),
        );
      }
      // A channel that refuses for good (the bot not invited, archived) must not leave the request waiting unseen.
      if (!(await this.refs.failures(attempt.notice.id)).some((f) => f.part === 'ask:channel')) return;
    }
    for (const approver of approvers) {
      if (asked.some((r) => r.user === approver)) continue;
      await this.#part(attempt, `ask:${approver}`, { user: approver }, async () =>
        this.#saveApproval(request.id, {
          ...(await this.#once.dm(`${noticeId}:ask:${approver}`, approver, message)),
          stage,
          settled: false,
          user: approver,
        }),
      );
    }
  }

  /** Records an approval message, replacing the entry of the same message. */
  #saveApproval(requestId: string, ref: ApprovalRef): Promise<void> {
    return this.refs.update(requestId, (r) => ({
      ...r,
      approvals: [...r.approvals.filter((a) => a.channel !== ref.channel || a.ts !== ref.ts), ref],
    }));
  }

  async #expiring(noticeId: string, request: Request, item: CatalogItem | undefined): Promise<void> {
    const s = request.status;
    if (s.state === 'completed' && s.grantExpiresAt !== undefined)
      await this.#holderDm(`${noticeId}:expiring`, request, expiringMessage(request, item, s.grantExpiresAt));
  }

  /** A DM to the requester; one with buttons (Extend, "I'm done") is tracked so it can be settled once they mean nothing. */
  async #holderDm(key: string, request: Request, message: Message): Promise<void> {
    const posted = await this.#once.dm(key, request.requester, message);
    if (!message.blocks.some((b) => b.type === 'actions')) return;
    await this.refs.update(request.id, (r) => ({
      ...r,
      grantDms: [...(r.grantDms ?? []).filter((g) => g.channel !== posted.channel || g.ts !== posted.ts), posted],
    }));
  }

  /**
   * The holder's Extend / "I'm done" messages: shown with the new end (and "I'm done" only) once an
   * extension moved it, and left with no button once the access is over.
   */
  async #grantDms(attempt: Attempt, notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    const s = request.status;
    const active = s.state === 'completed' && s.grantExpiresAt !== undefined;
    if (active && notice.event !== 'grant.extended') return;
    const message = active ? grantedMessage(request, item, stateLabel(request)) : grantEndedMessage(request, item);
    for (const dm of (await this.refs.get(request.id)).grantDms ?? []) {
      // An ended grant's message is settled for good; one that cannot be updated any more is given up on.
      const done = () =>
        this.refs.update(request.id, (r) => ({
          ...r,
          grantDms: (r.grantDms ?? []).filter((g) => g.channel !== dm.channel || g.ts !== dm.ts),
        }));
      await this.#part(
        attempt,
        `grant:${dm.channel}:${dm.ts}`,
        { user: request.requester },
        async () => {
          await this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...message });
          if (!active) await done();
        },
        done,
      );
    }
  }

  /**
   * A revoke that keeps failing, or a change the provider does not show, goes to the admins: access
   * that should have ended, or was reported given, must not be taken on trust.
   */
  async #tellAdmins(attempt: Attempt, notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    // Progress written by an earlier release, which told all the admins as one part.
    if ((await this.refs.partsDone(notice.id)).includes('admins')) return;
    const message =
      notice.event === 'effect.unverified'
        ? unverifiedEffectMessage(notice.request, item)
        : revokeFailingMessage(notice.request, item);
    for (const admin of notice.approvers ?? [])
      await this.#part(attempt, `admin:${admin}`, { user: admin }, () =>
        this.#once.dm(`${notice.id}:admin:${admin}`, admin, message),
      );
  }

  async #secretReady(noticeId: string, request: Request, item: CatalogItem | undefined): Promise<void> {
    const s = request.status;
    if (s.state !== 'executing' || s.rotation?.step !== 'reveal') return;
    const ref = await this.#once.dm(
      `${noticeId}:reveal`,
      request.requester,
      secretReadyMessage(request, item, s.rotation.revealBy),
    );
    await this.refs.update(request.id, (r) => ({ ...r, secretDm: ref }));
  }

  /** The Reveal DM follows the rotation, so no button on it outlives its meaning. */
  async #rotationDm(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    if (request.operation.kind !== 'key.rotate') return;
    const dm = (await this.refs.get(request.id)).secretDm;
    const message = dm && ownerKeyMessage(notice.event, request, item);
    if (dm && message) await this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...message });
  }
}

/** Slack's error code when the error means the recipient cannot be reached as things stand. */
function permanentCode(error: unknown): string | undefined {
  const code = platformError(error);
  return code !== undefined && !TRANSIENT_SLACK_ERRORS.has(code) ? code : undefined;
}

/** A retryable Slack error as the dispatcher understands it: retry, after how long. */
function deliveryError(error: unknown): DeliveryError {
  const retryAfter = rateLimitedFor(error);
  if (retryAfter !== undefined) return new DeliveryError('Slack rate limited the bot', false, retryAfter * 1000);
  const code = platformError(error);
  if (code !== undefined) return new DeliveryError(`Slack answered ${code}`, false);
  return new DeliveryError(describeSlackError(error), false);
}
