/**
 * Where the bot's messages about each request live in Slack, so later events can update them (and no
 * stale Approve button survives a restart). Kept in `slack.json` beside the store, written atomically;
 * a request's entry is dropped once it is closed and its last updates are out, so the file holds only
 * open requests.
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { DurableJsonFile } from '../files/durable-json-file.ts';
import { StoreOpenError } from '../store/port.ts';
import { Serial } from '../shared/serial.ts';
import type { Undelivered } from '../domain/notice.ts';

const ref = z.object({ channel: z.string(), ts: z.string() });
const approvalRef = ref.extend({ stage: z.number().int().nonnegative(), settled: z.boolean(), user: z.string().optional() });
const recipient = z.union([z.object({ channel: z.string() }), z.object({ user: z.string() })]);
const undelivered = z.object({ part: z.string(), to: recipient, code: z.string() });
const requestRefs = z.object({
  audit: ref.optional(),
  approvals: z.array(approvalRef),
  secretDm: ref.optional(),
  /** The holder's DMs with Extend / "I'm done", settled once the access ends. Absent in files of earlier releases. */
  grantDms: z.array(ref).optional(),
});
const documentSchema = z.object({
  schema: z.literal(1),
  requests: z.record(z.string(), requestRefs),
  /** Notice id → the parts of its delivery already done, so a retried delivery does not repeat them. */
  deliveries: z.record(z.string(), z.array(z.string())).default({}),
  /**
   * Notice id → the parts that can never be delivered, kept until the notice is done so a retried
   * delivery reports them again instead of trying them again. Absent in files of earlier releases.
   */
  failures: z.record(z.string(), z.array(undelivered)).default({}),
  /**
   * Post key → when the bot first set out to post it. A key here whose part is not done may have been
   * posted by a process that died before recording it: Slack is asked first (see slack/post-once.ts).
   * Absent in files of earlier releases.
   */
  intents: z.record(z.string(), z.number()).default({}),
});

export type MessageRef = z.infer<typeof ref>;
export type ApprovalRef = z.infer<typeof approvalRef>;
export type RequestRefs = z.infer<typeof requestRefs>;
type RefsDocument = z.infer<typeof documentSchema>;

export class MessageRefs {
  readonly #serial = new Serial();

  private constructor(private readonly db: Low<RefsDocument>) {}

  static async open(dataDir: string): Promise<MessageRefs> {
    const file = join(dataDir, 'slack.json');
    const db = new Low(
      new DurableJsonFile(file, (value) => {
        const parsed = documentSchema.safeParse(value);
        if (!parsed.success) throw new StoreOpenError(`${file} is not an iam-bot Slack message index. iam-bot will not overwrite it: move it aside.`);
        return parsed.data;
      }),
      { schema: 1, requests: {}, deliveries: {}, failures: {}, intents: {} },
    );
    await db.read();
    return new MessageRefs(db);
  }

  get(requestId: string): RequestRefs {
    return this.db.data.requests[requestId] ?? { approvals: [] };
  }

  /** Changes one request's entry and persists it. */
  update(requestId: string, change: (refs: RequestRefs) => RequestRefs): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.requests[requestId] = change(this.get(requestId));
      await this.db.write();
    });
  }

  partsDone(noticeId: string): readonly string[] {
    return this.db.data.deliveries[noticeId] ?? [];
  }

  markPart(noticeId: string, part: string): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.deliveries[noticeId] = [...this.partsDone(noticeId), part];
      await this.db.write();
    });
  }

  failures(noticeId: string): readonly Undelivered[] {
    return this.db.data.failures[noticeId] ?? [];
  }

  /** A part that can never be delivered: it is not tried again for this notice. */
  markFailed(noticeId: string, failure: Undelivered): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.failures[noticeId] = [...this.failures(noticeId), failure];
      await this.db.write();
    });
  }

  intentOf(key: string): number | undefined {
    return this.db.data.intents[key];
  }

  /** The bot is about to post the message of `key`: recorded durably before the post. */
  intend(key: string, at: number): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.intents[key] = at;
      await this.db.write();
    });
  }

  /** The notice is delivered: its progress is no longer needed. */
  delivered(noticeId: string): Promise<void> {
    return this.#serial.run(async () => {
      const intents = this.#dropIntents(noticeId);
      if (!(noticeId in this.db.data.deliveries) && !(noticeId in this.db.data.failures) && !intents) return;
      delete this.db.data.deliveries[noticeId];
      delete this.db.data.failures[noticeId];
      await this.db.write();
    });
  }

  forget(requestId: string): Promise<void> {
    return this.#serial.run(async () => {
      const intents = this.#dropIntents(requestId);
      if (!(requestId in this.db.data.requests) && !intents) return;
      delete this.db.data.requests[requestId];
      await this.db.write();
    });
  }

  /** Drops the intents of keys `<owner>:…`; whether there were any. */
  #dropIntents(owner: string): boolean {
    const keys = Object.keys(this.db.data.intents).filter((k) => k.startsWith(`${owner}:`));
    for (const key of keys) delete this.db.data.intents[key];
    return keys.length > 0;
  }
}
