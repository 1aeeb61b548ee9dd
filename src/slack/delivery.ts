/**
 * The progress of delivering notices in Slack, apart from what they say and to whom (notifier.ts): each
 * notice is delivered in parts whose progress is persisted, so a delivery retried after a failure (Slack
 * 429/5xx, a restart) does not repeat the parts already done; every post goes out once across crashes
 * (post-once.ts); a recipient Slack refuses for good is recorded for the report, and an error a retry
 * may cure is kept for the whole notice. What was posted (the audit thread's root, approval messages,
 * DMs with buttons) is recorded so later notices update those messages.
 */
import { describeNotice, isRequestNotice, type Notice, type Recipient } from '../domain/notice.ts';
import { isClosed } from '../domain/request.ts';
import type { Logger } from '../log.ts';
import {
  DeliveryError,
  type ApprovalRef,
  type DeliveryReport,
  type MessageRef,
  type MessageRefStore,
  type RequestRefs,
  type ReviewDmRef,
} from '../workflow/ports.ts';
import { describeSlackError, platformError, rateLimitedFor } from './errors.ts';
import type { Message as PostMessage, OncePoster } from './post-once.ts';

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

/** A part's posts, each once across crashes under the key `<notice id>:<part>`. */
export interface PartPoster {
  post(channel: string, message: PostMessage, threadTs?: string): Promise<MessageRef>;
  dm(user: string, message: PostMessage): Promise<MessageRef>;
}

/** One delivery attempt of a notice. */
export class Attempt {
  /** The first error a retry may cure, kept while the other parts go on. */
  #retry: unknown;

  constructor(
    readonly notice: Notice,
    private readonly refs: MessageRefStore,
    private readonly once: OncePoster,
    private readonly log: Logger,
  ) {}

  /**
   * Runs one part unless done (or found undeliverable) before. A permanent Slack refusal is recorded
   * for the report and `onPermanent` runs; an error a retry may cure is kept for the whole notice.
   */
  async part(
    part: string,
    to: Recipient | undefined,
    work: (poster: PartPoster) => Promise<unknown>,
    onPermanent?: () => Promise<void>,
  ): Promise<void> {
    const { notice } = this;
    if ((await this.done(part)) || (await this.refused(part))) return;
    const key = `${notice.id}:${part}`;
    try {
      await work({
        post: (channel, message, threadTs) => this.once.post(key, channel, message, threadTs),
        dm: (user, message) => this.once.dm(key, user, message),
      });
    } catch (error) {
      const code = permanentCode(error);
      if (code === undefined || to === undefined) {
        this.retryLater(error);
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

  /** Keeps `error` (unless an earlier one is kept) for the whole notice: the dispatcher delivers it again. */
  retryLater(error: unknown): void {
    this.#retry ??= error;
  }

  async done(part: string): Promise<boolean> {
    return (await this.refs.partsDone(this.notice.id)).includes(part);
  }

  /** Whether the part was found undeliverable, now or by an earlier attempt. */
  async refused(part: string): Promise<boolean> {
    return (await this.refs.failures(this.notice.id)).some((f) => f.part === part);
  }

  /** Records a part as undeliverable without trying it. */
  refuse(part: string, to: Recipient, code: string): Promise<void> {
    return this.refs.markFailed(this.notice.id, { part, to, code });
  }

  /** The end of the attempt: what could never be delivered, or the error the dispatcher retries the notice for. */
  async report(): Promise<DeliveryReport> {
    if (this.#retry !== undefined) throw deliveryError(this.#retry);
    return { undelivered: await this.refs.failures(this.notice.id) };
  }
}

/** The messages posted for a request or an access review (by its id), as the store keeps them. */
export class PostedMessages {
  constructor(
    private readonly refs: MessageRefStore,
    private readonly once: OncePoster,
  ) {}

  /** What was posted for the request or review `id` so far. */
  of(id: string): Promise<RequestRefs> {
    return this.refs.get(id);
  }

  /**
   * The notice left the outbox: its progress (parts done, posts intended) goes, and so does what was
   * posted for a request once it is closed, whose messages are final.
   */
  async settled(notice: Notice): Promise<void> {
    await this.refs.delivered(notice.id);
    if (isRequestNotice(notice) && isClosed(notice.request)) await this.refs.forget(notice.request.id);
  }

  /** The audit thread's root message, posted (once) when the thread opens. */
  async threadRoot(id: string, channel: string, root: () => PostMessage): Promise<MessageRef> {
    let ref = (await this.refs.get(id)).audit;
    if (!ref) {
      ref = await this.once.post(`${id}:audit-root`, channel, root());
      const created = ref;
      await this.refs.update(id, (r) => ({ ...r, audit: created }));
    }
    return ref;
  }

  /** Records an approval message, replacing the entry of the same message. */
  saveApproval(requestId: string, ref: ApprovalRef): Promise<void> {
    return this.refs.update(requestId, (r) => ({
      ...r,
      approvals: [...r.approvals.filter((a) => a.channel !== ref.channel || a.ts !== ref.ts), ref],
    }));
  }

  /** Records a reviewer's message (and the page it shows), replacing the entry of the same message. */
  saveReviewDm(reviewId: string, ref: ReviewDmRef): Promise<void> {
    return this.refs.update(reviewId, (r) => ({
      ...r,
      reviewDms: [...(r.reviewDms ?? []).filter((d) => d.channel !== ref.channel || d.ts !== ref.ts), ref],
    }));
  }

  /** Records a DM to the holder of a grant whose buttons are to be settled later. */
  saveGrantDm(requestId: string, posted: MessageRef): Promise<void> {
    return this.refs.update(requestId, (r) => ({
      ...r,
      grantDms: [...(r.grantDms ?? []).filter((g) => g.channel !== posted.channel || g.ts !== posted.ts), posted],
    }));
  }

  /** A grant DM settled for good, or one that can never be updated any more: no longer tracked. */
  dropGrantDm(requestId: string, dm: MessageRef): Promise<void> {
    return this.refs.update(requestId, (r) => ({
      ...r,
      grantDms: (r.grantDms ?? []).filter((g) => g.channel !== dm.channel || g.ts !== dm.ts),
    }));
  }

  /** Records a reviewer's Confirm / Flag message of a break-glass use, settled once it is reviewed. */
  saveBreakGlassDm(requestId: string, ref: MessageRef & { user: string }): Promise<void> {
    return this.refs.update(requestId, (r) => ({
      ...r,
      breakGlassDms: [...(r.breakGlassDms ?? []).filter((d) => d.channel !== ref.channel || d.ts !== ref.ts), ref],
    }));
  }

  /** Records the key owner's Reveal message, which follows the rotation. */
  saveSecretDm(requestId: string, ref: MessageRef): Promise<void> {
    return this.refs.update(requestId, (r) => ({ ...r, secretDm: ref }));
  }
}

/** Slack's error code when the error means the recipient cannot be reached as things stand. */
export function permanentCode(error: unknown): string | undefined {
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
