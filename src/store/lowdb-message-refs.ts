/**
 * The embedded store's Slack message references (see `MessageRefStore`), in `slack.json` beside the
 * store, written atomically; a request's entry is dropped once it is closed and its last updates are
 * out, so the file holds only open requests. One process holds the directory, so the document in
 * memory is the stored one.
 */
import { join } from 'node:path';
import { Low } from 'lowdb';
import { z } from 'zod';
import { DurableJsonFile } from '../files/durable-json-file.ts';
import { type MessageRefStore, type RequestRefs } from '../workflow/ports.ts';
import { StoreOpenError } from '../shared/store-open-error.ts';
import { Serial } from '../shared/serial.ts';
import type { Undelivered } from '../domain/notice.ts';

const ref = z.object({ channel: z.string(), ts: z.string() });
const approvalRef = ref.extend({
  stage: z.number().int().nonnegative(),
  settled: z.boolean(),
  user: z.string().optional(),
});
const recipient = z.union([z.object({ channel: z.string() }), z.object({ user: z.string() })]);
const undelivered = z.object({ part: z.string(), to: recipient, code: z.string() });
const requestRefs = z.object({
  audit: ref.optional(),
  approvals: z.array(approvalRef),
  secretDm: ref.optional(),
  /** The holder's DMs with Extend / "I'm done", settled once the access ends. Absent in files of earlier releases. */
  grantDms: z.array(ref).optional(),
  reviewDms: z.array(ref.extend({ user: z.string(), page: z.number().int().nonnegative() })).optional(),
  breakGlassDms: z.array(ref.extend({ user: z.string() })).optional(),
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

type RefsDocument = z.infer<typeof documentSchema>;

export class LowdbMessageRefs implements MessageRefStore {
  readonly #serial = new Serial();

  private constructor(private readonly db: Low<RefsDocument>) {}

  static async open(dataDir: string): Promise<LowdbMessageRefs> {
    const file = join(dataDir, 'slack.json');
    const db = new Low(
      new DurableJsonFile(file, (value) => {
        const parsed = documentSchema.safeParse(value);
        if (!parsed.success)
          throw new StoreOpenError(
            `${file} is not an iam-bot Slack message index. iam-bot will not overwrite it: move it aside.`,
          );
        return parsed.data;
      }),
      { schema: 1, requests: {}, deliveries: {}, failures: {}, intents: {} },
    );
    await db.read();
    return new LowdbMessageRefs(db);
  }

  async get(requestId: string): Promise<RequestRefs> {
    return this.#get(requestId);
  }

  #get(requestId: string): RequestRefs {
    return this.db.data.requests[requestId] ?? { approvals: [] };
  }

  update(requestId: string, change: (refs: RequestRefs) => RequestRefs): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.requests[requestId] = change(this.#get(requestId));
      await this.db.write();
    });
  }

  async partsDone(noticeId: string): Promise<readonly string[]> {
    return this.db.data.deliveries[noticeId] ?? [];
  }

  markPart(noticeId: string, part: string): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.deliveries[noticeId] = [...(this.db.data.deliveries[noticeId] ?? []), part];
      await this.db.write();
    });
  }

  async failures(noticeId: string): Promise<readonly Undelivered[]> {
    return this.db.data.failures[noticeId] ?? [];
  }

  markFailed(noticeId: string, failure: Undelivered): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.failures[noticeId] = [...(this.db.data.failures[noticeId] ?? []), failure];
      await this.db.write();
    });
  }

  async intentOf(key: string): Promise<number | undefined> {
    return this.db.data.intents[key];
  }

  intend(key: string, at: number): Promise<void> {
    return this.#serial.run(async () => {
      this.db.data.intents[key] = at;
      await this.db.write();
    });
  }

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

  /** Everything the index holds, for `store copy`: each request's messages, each notice's progress, each post's intent. */
  async contents(): Promise<Omit<RefsDocument, 'schema'>> {
    const { requests, deliveries, failures, intents } = this.db.data;
    return { requests, deliveries, failures, intents };
  }

  /** Waits for the writes under way. */
  close(): Promise<void> {
    return this.#serial.run(async () => undefined);
  }

  /** Drops the intents of keys `<owner>:…`; whether there were any. */
  #dropIntents(owner: string): boolean {
    const keys = Object.keys(this.db.data.intents).filter((k) => k.startsWith(`${owner}:`));
    for (const key of keys) delete this.db.data.intents[key];
    return keys.length > 0;
  }
}
