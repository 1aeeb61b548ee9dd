/**
 * The plan's people, working through Slack: every click and form goes, signed, to the replicas in turn
 * (as a load balancer spreads Slack's requests); a request a replica fails to answer — killed before or
 * while answering — is sent again to the next one, as Slack's retry reaches another replica. Work a
 * replica acknowledged and then lost with its life (a form it was submitting, a click it was recording) is
 * done again by the person once they see nothing happened, as people do: only where doing it again is
 * safe (a form is sent again only once the replica that took it is gone and no request came of it).
 * The people learn where their requests stand from what Slack shows them and, for brevity, the database.
 */
import { parsePolicy } from '../../src/config/load-policy.ts';
import type { Request } from '../../src/domain/request.ts';
import { PEOPLE } from '../../src/sandbox/world.ts';
import type { AppResponse, SlackAppClient } from '../../src/simulators/slack/index.ts';
import { ACTION, VIEW, approveValue } from '../../src/slack/views/ids.ts';
import { marker, sleep } from '../crash/outcome.ts';
import { LEADS, MANAGERS, type PlanItem } from '../crash/plan.ts';
import { SIGNING_SECRET, type Cluster, type Replica } from './cluster.ts';

export interface DriveReport {
  /** The items driven, in plan order: the plan, and what `more` added. */
  plan: PlanItem[];
  /** Slack requests a replica failed to answer, sent again to another. */
  resent: number;
  /** Actions a replica acknowledged, then lost with its life, done again by the person. */
  redone: number;
  problems: string[];
}

const FINAL_ELSEWHERE = new Set(['denied', 'cancelled', 'expired', 'revoked']);

/** Who answered a Slack request, and in which of its lives. */
interface Answered<R> {
  result: R;
  replica: Replica;
  life: number;
}

/** Slack in front of the replicas: each request to the next replica that is up, resent on no answer. */
class Front {
  #next = 0;
  resent = 0;
  readonly #clients: SlackAppClient[];

  constructor(private readonly cluster: Cluster) {
    this.#clients = cluster.replicas.map((r) =>
      // A loaded machine may take seconds to answer; only a replica that is gone counts as no answer here.
      cluster.world.slack.client(
        { mode: 'http', url: cluster.url(r), signingSecret: SIGNING_SECRET },
        { ackTimeoutMs: 60_000 },
      ),
    );
  }

  async send<R>(
    act: (client: SlackAppClient) => Promise<R>,
    answer: (result: R) => AppResponse | undefined,
  ): Promise<Answered<R>> {
    for (let attempt = 0; attempt < 600; attempt++) {
      const replicas = this.cluster.replicas;
      const replica = replicas[this.#next++ % replicas.length]!;
      if (!replica.up) continue;
      const life = replica.life;
      try {
        const result = await act(this.#clients[replica.index]!);
        const response = answer(result);
        if (!response || (response.acked && response.status < 500)) return { result, replica, life };
      } catch (error) {
        if (!isConnectionError(error)) throw error;
      }
      this.resent++;
      await sleep(20);
    }
    throw new Error('no replica answered 600 times in a row');
  }

  /** The replica that answered has died since: what it was doing after its answer may be lost. */
  static gone(answered: Answered<unknown>): boolean {
    return !answered.replica.up || answered.replica.life !== answered.life;
  }
}

function isConnectionError(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code))
      return true;
  }
  return false;
}

/** What the people see of their requests, read every moment. */
class Board {
  #byMarker = new Map<string, Request>();
  #waiters: (() => void)[] = [];
  #stopped = false;

  constructor(private readonly cluster: Cluster) {}

  /** When the last read that went through began. */
  #readAt = 0;

  async run(): Promise<void> {
    while (!this.#stopped) {
      const at = Date.now();
      try {
        for (const r of await this.cluster.store.list()) this.#byMarker.set(r.reason, r);
        this.#readAt = at;
      } catch {
        // A refused read is tried again at the next moment.
      }
      for (const wake of this.#waiters.splice(0)) wake();
      await sleep(150);
    }
  }

  /** Until the board shows the database as it is now, not as it was a moment ago (one read begun from now on). */
  async fresh(): Promise<void> {
    const now = Date.now();
    await this.until(() => this.#readAt >= now, 60_000);
  }

  stop(): void {
    this.#stopped = true;
  }

  get(item: PlanItem): Request | undefined {
    return this.#byMarker.get(marker(item));
  }

  /** Waits until `done` holds (true) or `ms` pass (false). */
  async until(done: () => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (done()) return true;
      if (Date.now() >= deadline) return false;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }
}

/** One thing at a time per person where Slack keeps one thing per person: the modal on their screen. */
class Hands {
  readonly #busy = new Map<string, Promise<unknown>>();

  with<T>(user: string, work: () => Promise<T>): Promise<T> {
    const run = (this.#busy.get(user) ?? Promise.resolve()).then(work, work);
    this.#busy.set(
      user,
      run.catch(() => undefined),
    );
    return run;
  }
}

/**
 * Keeps the people working past the plan: a lane done with its part of the plan goes on with its next items of
 * `reserve` (a longer plan, makePlan's rounds beyond, so the lanes stay consistent) for as long as `wanted` says.
 */
export interface MoreWork {
  reserve: readonly PlanItem[];
  wanted: () => boolean;
}

/** Runs the plan through Slack until every request is final (or `deadline`, in ms since the epoch, passes). */
export async function drivePlan(
  cluster: Cluster,
  plan: readonly PlanItem[],
  deadline: number,
  more?: MoreWork,
): Promise<DriveReport> {
  const front = new Front(cluster);
  const board = new Board(cluster);
  const hands = new Hands();
  const { world } = cluster;
  const workspace = world.slack.workspace;
  const kinds = new Map(parsePolicy(world.policy, 'policy.yml', world.env).policy.catalog.map((i) => [i.id, i.kind]));
  const problems: string[] = [];
  let redone = 0;

  const topView = (user: string, callbackId: string) => {
    const top = workspace.openView(user);
    return top?.view.callback_id === callbackId ? top.view : undefined;
  };
  const modalText = (user: string) => JSON.stringify(workspace.openView(user)?.view.blocks ?? []);
  /** The message in `user`'s DM with the button `actionId` whose value is `value`. */
  const button = (user: string, actionId: string, value: string) =>
    workspace
      .dmWith(user)
      .filter((m) => {
        const blocks = JSON.stringify(m.blocks ?? []);
        return blocks.includes(`"action_id":"${actionId}"`) && blocks.includes(`"value":${JSON.stringify(value)}`);
      })
      .at(-1);
  /** Until the message a person waits for is there (its notice is delivered), or the request moves on. */
  const seen = (item: PlanItem, request: Request, message: () => unknown) =>
    board.until(() => message() !== undefined || board.get(item)?.version !== request.version, 5_000);
  /** After an action: until the request moves on, or the replica that took it dies (then it may be lost). */
  const progress = async (item: PlanItem, version: number | undefined, answered: Answered<unknown>, ms = 20_000) => {
    const moved = await board.until(() => board.get(item)?.version !== version || Front.gone(answered), ms);
    if (moved && board.get(item)?.version === version) redone++;
  };

  /** Opens /iam, picks the kind and the item, submits. A form is never sent again once a replica took it, unless that replica is gone and nothing came of it. */
  const submit = (item: PlanItem) =>
    hands.with(item.requester, async () => {
      const user = item.requester;
      if (board.get(item)) return;
      workspace.views.clear(user);
      const command = await front.send(
        (c) => c.slashCommand({ user, text: '' }),
        (r) => r,
      );
      // The modal opens after the ack; a replica that dies first never opens it (the person runs /iam again).
      const form = () => topView(user, VIEW.request);
      const hasKind = () => JSON.stringify(form()?.blocks ?? []).includes(ACTION.kind);
      if (!(await board.until(() => hasKind() || Front.gone(command), 10_000)) || !hasKind()) return;
      const viewId = String(form()!.id);
      const kind = kinds.get(item.itemId) ?? '';
      const chose = await front.send(
        (c) =>
          c.blockAction({
            user,
            view: viewId,
            actions: [
              {
                type: 'static_select',
                action_id: ACTION.kind,
                block_id: 'kind',
                selected_option: { text: { type: 'plain_text', text: kind }, value: kind },
              },
            ],
          }),
        (r) => r,
      );
      const chosen = () => String(form()?.private_metadata ?? '').includes(`"kind":"${kind}"`);
      if (!(await board.until(() => chosen() || Front.gone(chose), 10_000)) || !chosen()) return;
      const offered = await front.send(
        (c) => c.blockSuggestion({ user, view: viewId, actionId: ACTION.item, value: '' }),
        (r) => r.response,
      );
      const option = offered.result.options.find((o) => o.value === item.itemId);
      if (!option) {
        problems.push(`${marker(item)}: the catalog did not offer ${item.itemId} to ${user}`);
        return;
      }
      const values: Record<string, string | { text: string; value: string }> = {
        item: { text: String((option.text as { text: string }).text), value: item.itemId },
        reason: marker(item),
      };
      if (item.duration) values.duration = item.duration;
      // The same form, sent again to the next replica while unanswered: one request (its view id is its key).
      const sent = await front.send(
        (c) => c.submitView({ user, viewId, values }),
        (r) => r.response,
      );
      if (sent.result.outcome !== 'updated') {
        problems.push(
          `${marker(item)}: the form was ${sent.result.outcome} ${JSON.stringify(sent.result.errors ?? {})}`,
        );
        return;
      }
      const refused = () => !/Submitting your request|is submitted/.test(modalText(user));
      const outcome = await board.until(() => board.get(item) !== undefined || Front.gone(sent) || refused(), 60_000);
      // The replica that took the form died: it may have made the request just before, unseen by the last read.
      // Only a read begun after its death (and after the database finished what it had sent) says nothing came
      // of it; filling the form in again on a stale read made a second request.
      if (!board.get(item) && Front.gone(sent)) {
        await sleep(1_000);
        await board.fresh();
      }
      if (board.get(item)) return;
      if (!outcome) problems.push(`${marker(item)}: a submission a live replica took made no request in 60 s`);
      else if (refused())
        problems.push(`${marker(item)}: the submission was refused: ${modalText(user).slice(0, 300)}`);
      else redone++;
    });

  const approve = async (item: PlanItem, request: Request, stage: number) => {
    const set = request.stages[stage]?.set;
    const done = request.approvals.map((a) => a.by);
    // The two platform leads take turns (by plan number): every MFA reset needs a lead, who attests in a modal,
    // one at a time; with one lead for all of them the last resets waited minutes in that lead's queue.
    const leads = item.n % 2 === 0 ? LEADS : [...LEADS].reverse();
    const candidates = set === 'managers' ? [MANAGERS[request.requester] ?? ''] : leads;
    const approver = candidates.find((c) => c !== request.requester && !done.includes(c));
    if (!approver) {
      problems.push(`${request.ref}: nobody left to approve stage ${stage}`);
      return false;
    }
    const value = approveValue(request.id, stage);
    const message = button(approver, ACTION.approve, value);
    if (!message) return seen(item, request, () => button(approver, ACTION.approve, value));
    const at = { channel: message.channel, ts: message.ts };
    if (request.operation.kind !== 'mfa.reset') {
      const click = await front.send(
        (c) => c.clickButton({ user: approver, message: at, actionId: ACTION.approve }),
        (r) => r,
      );
      return progress(item, request.version, click);
    }
    // An MFA reset: the approver attests in a modal that they verified the requester, then submits.
    return hands.with(approver, async () => {
      workspace.views.clear(approver);
      const click = await front.send(
        (c) => c.clickButton({ user: approver, message: at, actionId: ACTION.approve }),
        (r) => r,
      );
      const modal = () => topView(approver, VIEW.mfaConfirm);
      if (!(await board.until(() => modal() !== undefined || Front.gone(click), 10_000)) || !modal()) return;
      const sent = await front.send(
        (c) => c.submitView({ user: approver, viewId: String(modal()!.id), values: { verified: ['verified'] } }),
        (r) => r.response,
      );
      await progress(item, request.version, sent);
    });
  };

  const reveal = (item: PlanItem, request: Request) =>
    hands.with(request.requester, async () => {
      const user = request.requester;
      const message = button(user, ACTION.reveal, request.id);
      if (!message) return seen(item, request, () => button(user, ACTION.reveal, request.id));
      workspace.views.clear(user);
      const click = await front.send(
        (c) => c.clickButton({ user, message: { channel: message.channel, ts: message.ts }, actionId: ACTION.reveal }),
        (r) => r,
      );
      await progress(item, request.version, click);
      // The owner reads the secret and closes the modal.
      workspace.views.clear(user);
    });

  const confirm = async (item: PlanItem, request: Request) => {
    const user = request.requester;
    const message = button(user, ACTION.rotationDone, request.id);
    if (!message) return seen(item, request, () => button(user, ACTION.rotationDone, request.id));
    const click = await front.send(
      (c) =>
        c.clickButton({ user, message: { channel: message.channel, ts: message.ts }, actionId: ACTION.rotationDone }),
      (r) => r,
    );
    await progress(item, request.version, click);
  };

  /** An admin asks for a failed request to be tried again: `/iam retry REQ-n`. */
  const retry = async (item: PlanItem, request: Request) => {
    const sent = await front.send(
      (c) => c.slashCommand({ user: PEOPLE.erin.id, text: `retry ${request.ref}` }),
      (r) => r,
    );
    await progress(item, request.version, sent);
  };

  const runItem = async (item: PlanItem) => {
    while (Date.now() < deadline) {
      const request = board.get(item);
      if (!request) {
        await submit(item);
        continue;
      }
      const s = request.status;
      if (s.state === 'completed') return;
      if (FINAL_ELSEWHERE.has(s.state)) {
        problems.push(`${request.ref} (${marker(item)}) ended ${s.state}`);
        return;
      }
      if (s.state === 'pending') await approve(item, request, s.stage);
      else if (s.state === 'executing' && s.rotation?.step === 'reveal') await reveal(item, request);
      else if (s.state === 'executing' && s.rotation?.step === 'confirm') await confirm(item, request);
      else if (s.state === 'failed') await retry(item, request);
      // Carried out by whichever replica holds its lease: the people wait.
      else await board.until(() => board.get(item)?.version !== request.version, 5_000);
    }
  };

  const lanes = new Map<string, PlanItem[]>();
  for (const item of plan) lanes.set(item.lane, [...(lanes.get(item.lane) ?? []), item]);
  const planned = new Set(plan.map((item) => item.n));
  const spare = new Map<string, PlanItem[]>();
  for (const item of more?.reserve ?? [])
    if (!planned.has(item.n) && lanes.has(item.lane)) spare.set(item.lane, [...(spare.get(item.lane) ?? []), item]);
  const driven = [...plan];
  const watching = board.run();
  try {
    await Promise.all(
      [...lanes].map(async ([lane, items]) => {
        for (const item of items) await runItem(item);
        for (const item of spare.get(lane) ?? []) {
          if (!more?.wanted() || Date.now() >= deadline) break;
          driven.push(item);
          await runItem(item);
        }
      }),
    );
  } finally {
    board.stop();
    await watching;
  }
  return { plan: driven.sort((a, b) => a.n - b.n), resent: front.resent, redone, problems };
}
