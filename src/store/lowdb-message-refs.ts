/**
 * The embedded store's Slack message references (see `MessageRefStore`), in `slack.json` beside the
 * store, written atomically; a request's entry is dropped once it is closed and its last updates are
 * out, so the file holds only open requests. One process holds the directory, so the document in
 * memory is the stored one: a change is adopted only once it is written.
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
  /**
   * The document as it is on disk. A change is written first and adopted only once the write succeeded: a
   * write that failed (a full disk) must not leave in memory what the disk does not hold. Were an intent to
   * post kept in memory only, this process would look for the post in Slack, not find it and post; a restart
   * would then find no intent and post again.
   */
  #doc: RefsDocument;

  private constructor(private readonly db: Low<RefsDocument>) {
    this.#doc = db.data;
  }

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
    return this.#doc.requests[requestId] ?? { approvals: [] };
  }

  update(requestId: string, change: (refs: RequestRefs) => RequestRefs): Promise<void> {
    return this.#change((doc) => ({
      ...doc,
      requests: { ...doc.requests, [requestId]: change(doc.requests[requestId] ?? { approvals: [] }) },
    }));
  }

  async partsDone(noticeId: string): Promise<readonly string[]> {
    return this.#doc.deliveries[noticeId] ?? [];
  }

  markPart(noticeId: string, part: string): Promise<void> {
    return this.#change((doc) => ({
      ...doc,
      deliveries: { ...doc.deliveries, [noticeId]: [...(doc.deliveries[noticeId] ?? []), part] },
    }));
  }

  async failures(noticeId: string): Promise<readonly Undelivered[]> {
    return this.#doc.failures[noticeId] ?? [];
  }

  markFailed(noticeId: string, failure: Undelivered): Promise<void> {
    return this.#change((doc) => ({
      ...doc,
      failures: { ...doc.failures, [noticeId]: [...(doc.failures[noticeId] ?? []), failure] },
    }));
  }

  async intentOf(key: string): Promise<number | undefined> {
    return this.#doc.intents[key];
  }

  intend(key: string, at: number): Promise<void> {
    return this.#change((doc) => ({ ...doc, intents: { ...doc.intents, [key]: at } }));
  }

  delivered(noticeId: string): Promise<void> {
    return this.#change((doc) => {
      const intents = withoutIntentsOf(doc.intents, noticeId);
      if (!(noticeId in doc.deliveries) && !(noticeId in doc.failures) && intents === doc.intents) return doc;
      const { [noticeId]: _parts, ...deliveries } = doc.deliveries;
      const { [noticeId]: _failed, ...failures } = doc.failures;
      return { ...doc, deliveries, failures, intents };
    });
  }

  forget(requestId: string): Promise<void> {
    return this.#change((doc) => {
      const intents = withoutIntentsOf(doc.intents, requestId);
      if (!(requestId in doc.requests) && intents === doc.intents) return doc;
      const { [requestId]: _refs, ...requests } = doc.requests;
      return { ...doc, requests, intents };
    });
  }

  /** Everything the index holds, for `store copy`: each request's messages, each notice's progress, each post's intent. */
  async contents(): Promise<Omit<RefsDocument, 'schema'>> {
    const { requests, deliveries, failures, intents } = this.#doc;
    return { requests, deliveries, failures, intents };
  }

  /** Waits for the writes under way. */
  close(): Promise<void> {
    return this.#serial.run(async () => undefined);
  }

  /** Writes the document `next` makes of the stored one (nothing when it returns it unchanged), then adopts it. */
  #change(next: (doc: RefsDocument) => RefsDocument): Promise<void> {
    return this.#serial.run(async () => {
      const changed = next(this.#doc);
      if (changed === this.#doc) return;
      this.db.data = changed;
      await this.db.write();
      this.#doc = changed;
    });
  }
}

/** `intents` without the keys `<owner>:…`; the same object when there are none. */
function withoutIntentsOf(intents: RefsDocument['intents'], owner: string): RefsDocument['intents'] {
  const kept = Object.entries(intents).filter(([key]) => !key.startsWith(`${owner}:`));
  return kept.length === Object.keys(intents).length ? intents : Object.fromEntries(kept);
}
