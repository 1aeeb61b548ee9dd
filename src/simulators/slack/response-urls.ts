/**
 * response_url: the URL sent with a slash command or a message's block action, through which the app
 * answers later. Slack allows 5 uses within 30 minutes. A post shows an ephemeral message to the
 * user (the default), an `in_channel` message, or replaces/deletes the message the action came from.
 * A slash command's own HTTP/ack answer is shown the same way and recorded here too.
 */
import { checkMessageBlocks, describe } from './block-kit.ts';
import type { Clock } from './clock.ts';
import type { IdFactory } from './ids.ts';
import { isObject, type JsonObject } from './json.ts';
import type { Author, MessageContent, MessageLog } from './messages.ts';

export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;

export interface ResponseTarget {
  user: string;
  channel: string;
  /** The message a block action came from: what replace_original/delete_original act on. */
  message?: { ts: string; ephemeral: boolean };
}

export type ResponseOutcome = 'ephemeral' | 'in_channel' | 'replaced' | 'deleted' | 'refused';

export interface ResponsePost {
  /** The response_url's id, or undefined for a slash command's synchronous answer. */
  urlId?: string;
  via: 'response_url' | 'command_answer';
  at: number;
  body: unknown;
  outcome: ResponseOutcome;
  /** Why it was refused. */
  error?: string;
  /** The ts of the message it created or changed. */
  ts?: string;
}

interface IssuedUrl {
  target: ResponseTarget;
  issuedAt: number;
  uses: number;
}

export class ResponseUrls {
  readonly posts: ResponsePost[] = [];
  readonly #urls = new Map<string, IssuedUrl>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdFactory,
    private readonly messages: MessageLog,
    private readonly bot: Author,
  ) {}

  /** Registers a new URL for `target`; returns its id (the path segment after /response/). */
  issue(target: ResponseTarget): string {
    const id = this.ids.secret();
    this.#urls.set(id, { target, issuedAt: this.clock(), uses: 0 });
    return id;
  }

  /** A POST to the URL: the HTTP status and JSON body Slack would answer. */
  post(id: string, body: unknown): { status: number; body: JsonObject } {
    const url = this.#urls.get(id);
    // [guess] Slack's exact status and error names for unusable URLs are not documented; 404 makes
    // Bolt's respond() throw, which is the behaviour that matters.
    let refusal: string | undefined;
    if (!url) refusal = 'invalid_url';
    else if (this.clock() - url.issuedAt >= RESPONSE_URL_LIFETIME_MS) refusal = 'expired_url';
    else if (url.uses >= RESPONSE_URL_MAX_USES) refusal = 'used_url';
    if (refusal !== undefined || !url) return this.#refuse(id, body, 404, refusal ?? 'invalid_url');
    url.uses++;
    return this.#apply(url.target, body, 'response_url', id);
  }

  /** A slash command's synchronous answer (HTTP body or Socket Mode ack payload). Empty means nothing to show. */
  applyCommandAnswer(target: ResponseTarget, body: unknown): void {
    if (body === undefined || body === '' || (isObject(body) && Object.keys(body).length === 0)) return;
    this.#apply(target, typeof body === 'string' ? { text: body } : body, 'command_answer');
  }

  #apply(
    target: ResponseTarget,
    body: unknown,
    via: ResponsePost['via'],
    urlId?: string,
  ): { status: number; body: JsonObject } {
    if (!isObject(body)) return this.#refuse(urlId, body, 400, 'invalid_payload', via);
    if (body.delete_original === true) {
      const deleted = this.#original(target);
      if (!deleted) return this.#refuse(urlId, body, 404, 'message_not_found', via);
      deleted.deleted = true;
      return this.#accept({ urlId, via, body, outcome: 'deleted', ts: deleted.ts });
    }
    const hasBlocks = body.blocks !== undefined;
    if (typeof body.text !== 'string' && !hasBlocks) return this.#refuse(urlId, body, 400, 'no_text', via);
    if (hasBlocks) {
      const check = checkMessageBlocks(body.blocks);
      if (check.errors.length > 0)
        return this.#refuse(urlId, body, 400, 'invalid_blocks', via, check.errors.map(describe));
    }
    const content: MessageContent = {
      text: typeof body.text === 'string' ? body.text : '',
      ...(hasBlocks ? { blocks: body.blocks as JsonObject[] } : {}),
    };
    const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
    if (body.replace_original === true) {
      const original = this.#original(target);
      if (original) {
        this.messages.update(original, content, this.clock());
        return this.#accept({ urlId, via, body, outcome: 'replaced', ts: original.ts });
      }
    }
    if (body.response_type === 'in_channel') {
      const posted = this.messages.post(target.channel, this.bot, content, threadTs);
      return this.#accept({ urlId, via, body, outcome: 'in_channel', ts: posted.ts });
    }
    const ephemeral = this.messages.postEphemeral(target.channel, target.user, content, threadTs);
    return this.#accept({ urlId, via, body, outcome: 'ephemeral', ts: ephemeral.ts });
  }

  #original(target: ResponseTarget) {
    const { message } = target;
    if (!message) return undefined;
    return message.ephemeral
      ? this.messages.findEphemeral(target.user, message.ts)
      : this.messages.find(target.channel, message.ts);
  }

  #accept(post: Omit<ResponsePost, 'at'>): { status: number; body: JsonObject } {
    this.posts.push({ ...post, at: this.clock() });
    return { status: 200, body: { ok: true } };
  }

  #refuse(
    urlId: string | undefined,
    body: unknown,
    status: number,
    error: string,
    via: ResponsePost['via'] = 'response_url',
    errors?: string[],
  ) {
    this.posts.push({ urlId, via, at: this.clock(), body, outcome: 'refused', error });
    return { status, body: { ok: false, error, ...(errors ? { errors } : {}) } };
  }
}
