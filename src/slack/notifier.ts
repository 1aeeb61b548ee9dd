/**
 * Tells people in Slack: the audit thread (root kept current, one reply per event), the approval
 * messages of each stage (updated as approvals come in, settled with no live button once decided), the
 * requester's DMs, and the key owner's Reveal message. Deliveries run in order, after the workflow has
 * committed, so a slow Slack never delays a decision and audit replies keep their order.
 */
import { findItem, type CatalogItem, type Policy } from '../domain/policy.ts';
import { isClosed, type Request } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import { Serial } from '../shared/serial.ts';
import type { Notice, Notifier } from '../workflow/ports.ts';
import { DmChannels, post, type SlackClient } from './client.ts';
import type { ApprovalRef, MessageRefs } from './message-refs.ts';
import { approvalMessage, settledApprovalMessage, type Message } from './views/approval.ts';
import { auditReply, auditRoot } from './views/audit-thread.ts';
import { requesterUpdate } from './views/requester.ts';
import { rotationSettledMessage, secretReadyMessage } from './views/rotation.ts';

export class SlackNotifier implements Notifier {
  readonly #queue = new Serial();
  readonly #pending = new Set<Promise<void>>();
  readonly #dms: DmChannels;

  constructor(
    private readonly client: SlackClient,
    private readonly policy: Policy,
    private readonly refs: MessageRefs,
    private readonly log: Logger,
  ) {
    this.#dms = new DmChannels(client);
  }

  notify(notice: Notice): Promise<void> {
    this.#enqueue(`${notice.request.ref} ${notice.event}`, () => this.#deliver(notice));
    return Promise.resolve();
  }

  secretReady(request: Request): Promise<void> {
    this.#enqueue(`${request.ref} secret ready`, async () => {
      const s = request.status;
      if (s.state !== 'executing' || s.rotation?.step !== 'reveal') return;
      const ref = await this.#dms.post(request.requester, secretReadyMessage(request, this.#item(request), s.rotation.revealBy));
      await this.refs.update(request.id, (r) => ({ ...r, secretDm: ref }));
    });
    return Promise.resolve();
  }

  get busy(): boolean {
    return this.#pending.size > 0;
  }

  /** Resolves when everything queued so far has been delivered (or has failed and been logged). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  #enqueue(what: string, delivery: () => Promise<void>): void {
    const run = this.#queue
      .run(delivery)
      .catch((error: unknown) => this.log.warn({ err: error, delivery: what }, 'Slack delivery failed'))
      .finally(() => this.#pending.delete(run));
    this.#pending.add(run);
  }

  async #deliver(notice: Notice): Promise<void> {
    const { request } = notice;
    const item = this.#item(request);
    await this.#auditThread(notice, item);
    await this.#approvals(notice, item);
    const dm = requesterUpdate(notice, item);
    if (dm) await this.#dms.post(request.requester, dm);
    await this.#settleRotationDm(notice, item);
    if (isClosed(request)) await this.refs.forget(request.id);
  }

  async #auditThread(notice: Notice, item: CatalogItem | undefined): Promise<void> {
    const channel = this.policy.audit.channel;
    if (!channel) return;
    const { request } = notice;
    let root = this.refs.get(request.id).audit;
    const rootMessage = auditRoot(request, item);
    if (root) {
      await this.client.chat.update({ channel: root.channel, ts: root.ts, ...rootMessage });
    } else {
      root = await post(this.client, channel, rootMessage);
      const created = root;
      await this.refs.update(request.id, (r) => ({ ...r, audit: created }));
    }
    await post(this.client, root.channel, { text: auditReply(notice) }, root.ts);
  }

  async #approvals(notice: Notice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    const s = request.status;
    const refs = this.refs.get(request.id).approvals;
    const updated: ApprovalRef[] = [];
    for (const ref of refs) {
      if (ref.settled) {
        updated.push(ref);
        continue;
      }
      const decided = s.state !== 'pending' || s.stage > ref.stage;
      const message = decided ? settledApprovalMessage(request, item, ref.stage) : approvalMessage(request, item, ref.stage);
      await this.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
      updated.push({ ...ref, settled: decided });
    }
    const asking = (notice.event === 'request.submitted' || notice.event === 'request.stage_passed') && s.state === 'pending';
    if (asking) updated.push(...(await this.#ask(request, item, s.stage, notice.approvers ?? [])));
    if (refs.length > 0 || asking) await this.refs.update(request.id, (r) => ({ ...r, approvals: updated }));
  }

  /** Posts the stage's approval message: once in the item's channel, or to each approver by DM. */
  async #ask(request: Request, item: CatalogItem | undefined, stage: number, approvers: readonly string[]): Promise<ApprovalRef[]> {
    const message: Message = approvalMessage(request, item, stage);
    if (item?.channel) return [{ ...(await post(this.client, item.channel, message)), stage, settled: false }];
    const posted: ApprovalRef[] = [];
    for (const approver of approvers) {
      try {
        posted.push({ ...(await this.#dms.post(approver, message)), stage, settled: false });
      } catch (error) {
        // One unreachable approver must not keep the others from being asked.
        this.log.warn({ err: error, request: request.ref, approver }, 'could not DM an approver');
      }
    }
    return posted;
  }

  async #settleRotationDm(notice: Notice, item: CatalogItem | undefined): Promise<void> {
    const { request } = notice;
    if (request.operation.kind !== 'key.rotate' || (notice.event !== 'execution.completed' && notice.event !== 'execution.failed')) return;
    const dm = this.refs.get(request.id).secretDm;
    if (!dm) return;
    const text = request.status.state === 'completed' ? 'Rotation complete: your old key is retired.' : 'This rotation ended without a new key; see the message above.';
    await this.client.chat.update({ channel: dm.channel, ts: dm.ts, ...rotationSettledMessage(request, item, text) });
  }

  #item(request: Request): CatalogItem | undefined {
    return findItem(this.policy, request.itemId);
  }
}
