/**
 * Tells people in Slack: the audit thread (root kept current, one reply per event), the approval
 * messages of each stage (updated as approvals come in, settled with no live button once decided), the
 * requester's DMs, and the key owner's Reveal message. Each notice is delivered in parts whose progress
 * is persisted, so a delivery retried after a failure (Slack 429/5xx, a restart) does not repeat the
 * parts already done.
 */
import { findItem, type CatalogItem, type Policy } from '../domain/policy.ts';
import { isRequestNotice, type Notice, type RequestNotice, type SweepNotice } from '../domain/notice.ts';
import { isClosed, type Request } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import { DeliveryError, type Notifier } from '../workflow/ports.ts';
import { DmChannels, post, type SlackClient } from './client.ts';
import type { ApprovalRef, MessageRefs } from './message-refs.ts';
import { approvalMessage, settledApprovalMessage } from './views/approval.ts';
import { auditReply, auditRoot } from './views/audit-thread.ts';
import { requesterUpdate } from './views/requester.ts';
import { rotationSettledMessage, secretReadyMessage } from './views/rotation.ts';
import { expiringMessage } from './views/grant.ts';
import { escape, headline } from './views/format.ts';

/** Slack errors that a retry may cure; any other platform error means the message can never be sent. */
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

export class SlackNotifier implements Notifier {
  readonly #dms: DmChannels;

  constructor(
    private readonly client: SlackClient,
    private readonly policy: Policy,
    private readonly refs: MessageRefs,
    private readonly log: Logger,
  ) {
    this.#dms = new DmChannels(client);
  }

  async deliver(notice: Notice): Promise<void> {
    if (!isRequestNotice(notice)) {
      await this.#part(notice, 'sweep', () => this.#sweepFinding(notice));
      await this.refs.delivered(notice.id);
      return;
    }
    const { request } = notice;
    const item = findItem(this.policy, request.itemId);
    try {
      await this.#part(notice, 'audit-reply', () => this.#auditReply(notice, item));
      await this.#part(notice, 'audit-root', () => this.#auditRoot(notice, item));
      await this.#approvals(notice, item);
      const dm = requesterUpdate(notice, item);
      if (dm) await this.#part(notice, 'requester', () => this.#dms.post(request.requester, dm));
      if (notice.event === 'rotation.key_created') await this.#part(notice, 'reveal', () => this.#secretReady(request, item));
      if (notice.event === 'grant.expiring') await this.#part(notice, 'expiring', () => this.#expiring(request, item));
      if (notice.event === 'revoke.escalated') await this.#part(notice, 'admins', () => this.#tellAdmins(notice, item));
      await this.#part(notice, 'rotation', () => this.#settleRotationDm(notice, item));
    } catch (error) {
      throw deliveryError(error);
    }
    await this.refs.delivered(notice.id);
    if (isClosed(request)) await this.refs.forget(request.id);
  }

  /** What the sweep found, as a message of its own in the audit channel. */
  async #sweepFinding(notice: SweepNotice): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { provider, group, member, grant } = notice.finding;
    const text =
      notice.event === 'sweep.removed'
        ? `:broom: Sweep: removed *${escape(member)}* from ${escape(provider)} group *${escape(group)}*: ${escape(grant ?? 'a grant')} had ended but the membership was still there.`
        : `:mag: Sweep: *${escape(member)}* is in ${escape(provider)} group *${escape(group)}*, but no grant of the bot's explains it. Left in place.`;
    await post(this.client, channel, { text });
  }

  async #part(notice: Notice, part: string, work: () => Promise<unknown>): Promise<void> {
    if (this.refs.partsDone(notice.id).includes(part)) return;
    await work();
    await this.refs.markPart(notice.id, part);
  }

  /** The event's reply in the request's audit thread, opening the thread on the first event. */
  async #auditReply(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { request } = notice;
    let root = this.refs.get(request.id).audit;
    if (!root) {
      root = await post(this.client, channel, auditRoot(request, item));
      const created = root;
      await this.refs.update(request.id, (r) => ({ ...r, audit: created }));
    }
    await post(this.client, root.channel, { text: auditReply(notice) }, root.ts);
  }

  /** The thread's root shows the request's current state. */
  async #auditRoot(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const root = this.refs.get(notice.request.id).audit;
    if (root) await this.client.chat.update({ channel: root.channel, ts: root.ts, ...auditRoot(notice.request, item) });
  }

  /** Settles or refreshes the earlier approval messages, then asks the stage's approvers if it is their turn. */
  async #approvals(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    const s = request.status;
    for (const ref of this.refs.get(request.id).approvals) {
      if (ref.settled) continue;
      const decided = s.state !== 'pending' || s.stage > ref.stage;
      const message = decided ? settledApprovalMessage(request, item, ref.stage) : approvalMessage(request, item, ref.stage);
      await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
      if (decided) await this.#saveApproval(request.id, { ...ref, settled: true });
    }
    if (s.state !== 'pending') return;
    if (notice.event === 'request.submitted' || notice.event === 'request.stage_passed' || notice.event === 'request.escalated') {
      await this.#ask(request, item, s.stage, notice.approvers ?? []);
    } else if (notice.event === 'request.reminded') {
      // A fresh message at the bottom of each approver's DMs; the earlier one stays tracked too.
      await this.#ask(request, item, s.stage, notice.approvers ?? [], true);
    }
  }

  /** The stage's approval message: once in the item's channel, or to each approver by DM (each once). */
  async #ask(request: Request, item: CatalogItem | undefined, stage: number, approvers: readonly string[], again = false): Promise<void> {
    const message = approvalMessage(request, item, stage);
    const asked = again ? [] : this.refs.get(request.id).approvals.filter((r) => r.stage === stage);
    if (item?.channel) {
      if (asked.length === 0) await this.#saveApproval(request.id, { ...(await post(this.client, item.channel, message)), stage, settled: false });
      return;
    }
    for (const approver of approvers) {
      if (asked.some((r) => r.user === approver)) continue;
      try {
        await this.#saveApproval(request.id, { ...(await this.#dms.post(approver, message)), stage, settled: false, user: approver });
      } catch (error) {
        if (!isPermanent(error)) throw error;
        // One approver who cannot be reached (deactivated, a bot) must not keep the others from being asked.
        this.log.warn({ err: error, request: request.ref, approver }, 'could not DM an approver');
      }
    }
  }

  /** Records an approval message, replacing the entry of the same message. */
  #saveApproval(requestId: string, ref: ApprovalRef): Promise<void> {
    return this.refs.update(requestId, (r) => ({ ...r, approvals: [...r.approvals.filter((a) => a.channel !== ref.channel || a.ts !== ref.ts), ref] }));
  }

  async #expiring(request: Request, item: CatalogItem | undefined): Promise<void> {
    const s = request.status;
    if (s.state === 'completed' && s.grantExpiresAt !== undefined) await this.#dms.post(request.requester, expiringMessage(request, item, s.grantExpiresAt));
  }

  /** A revoke that keeps failing goes to the admins: access that should have ended must not be forgotten. */
  async #tellAdmins(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    const error = request.status.state === 'revoking' ? request.status.lastError : undefined;
    const text = `:rotating_light: ${headline(request, item)}\nRemoving <@${request.requester}>'s access keeps failing${error ? ` (${error.kind}: ${error.message})` : ''}. The bot keeps retrying; please check the provider.`;
    for (const admin of notice.approvers ?? []) await this.#dms.post(admin, { text: `${request.ref}: revoke keeps failing`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }

  async #secretReady(request: Request, item: CatalogItem | undefined): Promise<void> {
    const s = request.status;
    if (s.state !== 'executing' || s.rotation?.step !== 'reveal') return;
    const ref = await this.#dms.post(request.requester, secretReadyMessage(request, item, s.rotation.revealBy));
    await this.refs.update(request.id, (r) => ({ ...r, secretDm: ref }));
  }

  async #settleRotationDm(notice: RequestNotice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    if (request.operation.kind !== 'key.rotate' || (notice.event !== 'execution.completed' && notice.event !== 'execution.failed')) return;
    const dm = this.refs.get(request.id).secretDm;
    if (!dm) return;
    const text = request.status.state === 'completed' ? 'Rotation complete: your old key is retired.' : 'This rotation ended without a new key; see the message above.';
    await this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...rotationSettledMessage(request, item, text) });
  }
}

function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } } | null;
  return e?.code === 'slack_webapi_platform_error' ? e.data?.error : undefined;
}

function isPermanent(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== undefined && !TRANSIENT_SLACK_ERRORS.has(code);
}

/** Slack's errors as the dispatcher understands them: retry (after how long), or give up for good. */
function deliveryError(error: unknown): DeliveryError {
  const e = error as { code?: string; retryAfter?: number; message?: string } | null;
  if (e?.code === 'slack_webapi_rate_limited_error') return new DeliveryError('Slack rate limited the bot', false, (e.retryAfter ?? 1) * 1000);
  const code = slackErrorCode(error);
  if (code !== undefined) return new DeliveryError(`Slack answered ${code}`, isPermanent(error));
  return new DeliveryError(e?.message ?? String(error), false);
}
