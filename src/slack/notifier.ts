/**
 * Tells people in Slack: the audit thread (root kept current, one reply per event), the approval
 * messages of each stage (updated as approvals come in, settled with no live button once decided), the
 * requester's DMs (Extend / "I'm done" settled once the access ends), the key owner's Reveal message
 * (moved along the rotation), and the App Home of everyone the change concerns. This is the message
 * policy: which notice goes to whom, in which words. How a notice's parts are delivered, retried and
 * recorded is delivery.ts.
 */
import { findItem, type CatalogItem, type Policy } from '../domain/policy.ts';
import {
  isRequestNotice,
  isReviewNotice,
  isUndeliveredNotice,
  type Notice,
  type RequestNotice,
  type ReviewNotice,
  type SweepNotice,
  type UndeliveredNotice,
} from '../domain/notice.ts';
import type { Request } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import {
  DeliveryError,
  type AuditLookup,
  type DeliveryReport,
  type Notifier,
  type MessageRefStore,
  type ReviewDmRef,
} from '../workflow/ports.ts';
import { DmChannels, post, type SlackClient } from './client.ts';
import { OncePoster } from './post-once.ts';
import { Attempt, permanentCode, PostedMessages, type PartPoster } from './delivery.ts';
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
import { breakGlassAlert, breakGlassReviewMessage } from './views/break-glass.ts';

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
  readonly #posted: PostedMessages;

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
    this.#once = new OncePoster(client, refs, this.#dms, log);
    this.#posted = new PostedMessages(refs, this.#once);
  }

  /**
   * Delivers each part on its own: one recipient that cannot be reached (permanently: recorded, not
   * tried again; transiently: retried with the whole notice) never keeps the others from hearing.
   */
  async deliver(notice: Notice): Promise<DeliveryReport> {
    const attempt = new Attempt(notice, this.refs, this.#once, this.log);
    if (isUndeliveredNotice(notice)) await this.#reportUndelivered(attempt, notice);
    else if (isRequestNotice(notice)) await this.#request(attempt, notice);
    else if (isReviewNotice(notice)) await this.#review(attempt, notice);
    else await attempt.part('sweep', this.#auditChannel(), (poster) => this.#sweepFinding(notice, poster));
    return attempt.report();
  }

  async settled(notice: Notice): Promise<void> {
    await this.#posted.settled(notice);
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
    await attempt.part('audit-reply', audit, (poster) => this.#reviewAuditReply(notice, item, poster));
    await attempt.part('audit-root', audit, async () => {
      const root = (await this.#posted.of(review.id)).audit;
      if (root) await this.client.chat.update({ channel: root.channel, ts: root.ts, ...reviewAuditRoot(review, item) });
    });
    if (notice.event === 'review.started') {
      for (const reviewer of review.reviewers) {
        if (pendingFor(review, reviewer).length === 0) continue;
        await attempt.part(`ask:${reviewer}`, { user: reviewer }, async (poster) => {
          const posted = await poster.dm(reviewer, reviewMessage(review, item, reviewer, 0));
          await this.#posted.saveReviewDm(review.id, { ...posted, user: reviewer, page: 0 });
        });
      }
    }
    if (notice.event === 'review.decided' || notice.event === 'review.closed') {
      const deciders = review.members.find((m) => m.id === notice.memberId)?.reviewers;
      for (const dm of (await this.#posted.of(review.id)).reviewDms ?? []) {
        if (notice.event === 'review.decided' && !deciders?.includes(dm.user)) continue;
        await attempt.part(`review:${dm.channel}:${dm.ts}`, { user: dm.user }, () =>
          this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...reviewMessage(review, item, dm.user, dm.page) }),
        );
      }
    }
    if (notice.event === 'review.reminded')
      for (const reviewer of notice.people ?? [])
        await attempt.part(`remind:${reviewer}`, { user: reviewer }, (poster) =>
          poster.dm(reviewer, reviewReminder(review, item, reviewer)),
        );
    if (notice.event === 'review.closed' && review.members.some((m) => !m.decision)) {
      const report = undecidedReport(review, item);
      const admins = notice.people ?? [];
      for (const admin of admins)
        await attempt.part(`admin:${admin}`, { user: admin }, (poster) => poster.dm(admin, report));
      if (admins.length === 0 && audit)
        await attempt.part('admins', audit, (poster) => poster.post(audit.channel, report));
    }
  }

  async #reviewAuditReply(notice: ReviewNotice, item: CatalogItem | undefined, poster: PartPoster): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { review } = notice;
    const root = await this.#posted.threadRoot(review.id, channel, () => reviewAuditRoot(review, item));
    const text = reviewAuditReply(notice);
    await poster.post(
      root.channel,
      { text, metadata: replyMetadata(notice.id, notice.event, text, await this.logged(notice.id)) },
      root.ts,
    );
  }

  /** A reviewer turned the page of their review message: it shows that page from now on. */
  async showReviewPage(reviewId: string, ref: ReviewDmRef, message: Message): Promise<void> {
    await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
    await this.#posted.saveReviewDm(reviewId, ref);
  }

  async #request(attempt: Attempt, notice: RequestNotice): Promise<void> {
    const { request } = notice;
    const item = findItem(this.policy, request.itemId);
    const audit = this.#auditChannel();
    await attempt.part('audit-reply', audit, (poster) => this.#auditReply(notice, item, poster));
    await attempt.part('audit-root', audit, () => this.#auditRoot(notice, item));
    await this.#approvals(attempt, notice, item);
    const dm = requesterUpdate(notice, item, this.policy.providers[request.provider]);
    const requester = { user: request.requester };
    if (dm) await attempt.part('requester', requester, (poster) => this.#holderDm(poster, request, dm));
    if (notice.event === 'rotation.key_created')
      await attempt.part('reveal', requester, (poster) => this.#secretReady(poster, request, item));
    if (notice.event === 'grant.expiring')
      await attempt.part('expiring', requester, (poster) => this.#expiring(poster, request, item));
    if (notice.event === 'revoke.escalated' || notice.event === 'effect.unverified')
      await this.#tellAdmins(attempt, notice, item);
    if (request.breakGlass) await this.#breakGlass(attempt, notice, item);
    await attempt.part('rotation', requester, () => this.#rotationDm(notice, item));
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
      attempt.retryLater(new DeliveryError('the App Home cannot be built before the workflow is open', false));
      return;
    }
    let users: readonly string[];
    try {
      users = APPROVER_HOME_EVENTS.has(notice.event)
        ? await homes.concerned(notice.request)
        : [notice.request.requester];
    } catch (error) {
      attempt.retryLater(error);
      return;
    }
    for (const user of users) {
      await attempt.part(`home:${user}`, undefined, async () => {
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

  /** Tells the admins (or, when the policy names none, the audit channel) which recipients nobody reached. */
  async #reportUndelivered(attempt: Attempt, notice: UndeliveredNotice): Promise<void> {
    const message = undeliveredMessage(notice);
    if (notice.admins.length > 0) {
      for (const admin of notice.admins)
        await attempt.part(`admin:${admin}`, { user: admin }, (poster) => poster.dm(admin, message));
      return;
    }
    const audit = this.#auditChannel();
    const auditFailed = notice.undelivered.some((u) => audit && 'channel' in u.to && u.to.channel === audit.channel);
    if (audit && !auditFailed) await attempt.part('audit', audit, (poster) => poster.post(audit.channel, message));
    else if (audit && !(await attempt.refused('audit'))) await attempt.refuse('audit', audit, 'no_admins');
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
  async #sweepFinding(notice: SweepNotice, poster: PartPoster): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    await poster.post(channel, { text: sweepText(notice) });
  }

  /** The event's reply in the request's audit thread, opening the thread on the first event. */
  async #auditReply(notice: RequestNotice, item: CatalogItem | undefined, poster: PartPoster): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { request } = notice;
    const root = await this.#posted.threadRoot(request.id, channel, () => ({
      ...auditRoot(request, item),
      metadata: rootMetadata(request.id, request.ref, undefined),
    }));
    const text = auditReply(notice, this.policy.providers[request.provider]);
    await poster.post(
      root.channel,
      { text, metadata: replyMetadata(notice.id, notice.event, text, await this.logged(notice.id)) },
      root.ts,
    );
  }

  /** The thread's root shows the request's current state. */
  async #auditRoot(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const root = (await this.#posted.of(notice.request.id)).audit;
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
    for (const ref of (await this.#posted.of(request.id)).approvals) {
      if (ref.settled) continue;
      const decided = s.state !== 'pending' || s.stage > ref.stage;
      const message = decided
        ? settledApprovalMessage(request, item, ref.stage)
        : approvalMessage(request, item, ref.stage, this.policy.providers[request.provider]);
      // A message that can never be updated (deleted, its channel archived) is given up on, not retried with every notice.
      const giveUp = () => this.#posted.saveApproval(request.id, { ...ref, settled: true });
      await attempt.part(
        `approval:${ref.channel}:${ref.ts}`,
        { channel: ref.channel },
        async () => {
          await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
          if (decided) await this.#posted.saveApproval(request.id, { ...ref, settled: true });
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
      await this.#ask(attempt, request, item, s.stage, notice.approvers ?? []);
    } else if (notice.event === 'request.reminded') {
      // A fresh message at the bottom of each approver's DMs; the earlier one stays tracked too.
      await this.#ask(attempt, request, item, s.stage, notice.approvers ?? [], true);
    }
  }

  /**
   * The stage's approval message: once in the item's channel, or to each approver by DM (each once) —
   * by DM too when the item's channel refuses it for good.
   */
  async #ask(
    attempt: Attempt,
    request: Request,
    item: CatalogItem | undefined,
    stage: number,
    approvers: readonly string[],
    again = false,
  ): Promise<void> {
    const message = approvalMessage(request, item, stage, this.policy.providers[request.provider]);
    const asked = again ? [] : (await this.#posted.of(request.id)).approvals.filter((r) => r.stage === stage);
    const channel = item?.channel;
    // Approvers already asked by DM because the channel refused an earlier message: go on by DM.
    const byDm = asked.some((r) => r.user !== undefined);
    if (channel && !byDm) {
      if (asked.length === 0) {
        await attempt.part('ask:channel', { channel }, async (poster) =>
          this.#posted.saveApproval(request.id, {
            ...(await poster.post(channel, message)),
            stage,
            settled: false,
          }),
        );
      }
      // A channel that refuses for good (the bot not invited, archived) must not leave the request waiting unseen.
      if (!(await attempt.refused('ask:channel'))) return;
    }
    for (const approver of approvers) {
      if (asked.some((r) => r.user === approver)) continue;
      await attempt.part(`ask:${approver}`, { user: approver }, async (poster) =>
        this.#posted.saveApproval(request.id, {
          ...(await poster.dm(approver, message)),
          stage,
          settled: false,
          user: approver,
        }),
      );
    }
  }

  async #expiring(poster: PartPoster, request: Request, item: CatalogItem | undefined): Promise<void> {
    const s = request.status;
    if (s.state === 'completed' && s.grantExpiresAt !== undefined)
      await this.#holderDm(poster, request, expiringMessage(request, item, s.grantExpiresAt));
  }

  /** A DM to the requester; one with buttons (Extend, "I'm done") is tracked so it can be settled once they mean nothing. */
  async #holderDm(poster: PartPoster, request: Request, message: Message): Promise<void> {
    const posted = await poster.dm(request.requester, message);
    if (!message.blocks.some((b) => b.type === 'actions')) return;
    await this.#posted.saveGrantDm(request.id, posted);
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
    for (const dm of (await this.#posted.of(request.id)).grantDms ?? []) {
      // An ended grant's message is settled for good; one that cannot be updated any more is given up on.
      const done = () => this.#posted.dropGrantDm(request.id, dm);
      await attempt.part(
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
    if (await attempt.done('admins')) return;
    const message =
      notice.event === 'effect.unverified'
        ? unverifiedEffectMessage(notice.request, item)
        : revokeFailingMessage(notice.request, item);
    for (const admin of notice.approvers ?? [])
      await attempt.part(`admin:${admin}`, { user: admin }, (poster) => poster.dm(admin, message));
  }

  /**
   * Break-glass: the emergency, a flag and a review not done in time are told loudly to the admins (DM)
   * and in the audit channel (a message of its own, beside the thread); the reviewers get Confirm / Flag
   * (again with the reminder), and every such message loses its buttons once the use is reviewed.
   */
  async #breakGlass(attempt: Attempt, notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request, event } = notice;
    if (event === 'request.break_glass' || event === 'break_glass.flagged' || event === 'break_glass.escalated') {
      const alert = breakGlassAlert(notice, item);
      const audit = this.#auditChannel();
      if (audit) await attempt.part('break-glass:audit', audit, (poster) => poster.post(audit.channel, alert));
      for (const admin of notice.admins ?? [])
        await attempt.part(`admin:${admin}`, { user: admin }, (poster) => poster.dm(admin, alert));
    }
    if (event === 'request.break_glass' || event === 'break_glass.reminded') {
      for (const reviewer of notice.approvers ?? [])
        await attempt.part(`review:${reviewer}`, { user: reviewer }, async (poster) => {
          const posted = await poster.dm(reviewer, breakGlassReviewMessage(request, item));
          await this.#posted.saveBreakGlassDm(request.id, { ...posted, user: reviewer });
        });
    }
    if (event === 'break_glass.confirmed' || event === 'break_glass.flagged') {
      for (const dm of (await this.#posted.of(request.id)).breakGlassDms ?? [])
        await attempt.part(`review-dm:${dm.channel}:${dm.ts}`, { user: dm.user }, () =>
          this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...breakGlassReviewMessage(request, item) }),
        );
    }
  }

  async #secretReady(poster: PartPoster, request: Request, item: CatalogItem | undefined): Promise<void> {
    const s = request.status;
    if (s.state !== 'executing' || s.rotation?.step !== 'reveal') return;
    const ref = await poster.dm(
      request.requester,
      secretReadyMessage(request, item, s.rotation.revealBy, this.policy.providers[request.provider]),
    );
    await this.#posted.saveSecretDm(request.id, ref);
  }

  /** The Reveal DM follows the rotation, so no button on it outlives its meaning. */
  async #rotationDm(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    if (request.operation.kind !== 'key.rotate') return;
    const dm = (await this.#posted.of(request.id)).secretDm;
    const message = dm && ownerKeyMessage(notice.event, request, item, this.policy.providers[request.provider]);
    if (dm && message) await this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...message });
  }
}
