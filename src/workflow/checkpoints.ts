/**
 * Checkpoints: now and then the audit chain head is published (the audit channel) and the post is
 * itself audited, so `audit verify --checkpoint SEQ:HASH` can prove the log was not rewritten up to
 * SEQ — a rewrite that re-hashes the whole chain passes the chain check, but not a head kept elsewhere.
 */
import type { Logger } from '../log.ts';
import type { Store, Clock, Notifier } from './ports.ts';
import type { Recorder } from './recorder.ts';

export class Checkpointer {
  /** The event that recorded the last checkpoint: while it is still the head, there is nothing new to vouch for. */
  #lastEventId: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly recorder: Recorder,
    private readonly notifier: Notifier,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly log: Logger,
  ) {}

  /** Publishes the current head unless nothing was logged since the last checkpoint. */
  async run(): Promise<void> {
    await this.recorder.flushAudit();
    const head = await this.store.auditHead();
    if (!head || head.eventId === this.#lastEventId || !this.notifier.publishCheckpoint) return;
    const posted = await this.notifier.publishCheckpoint({ seq: head.seq, hash: head.hash });
    if (!posted) return;
    const eventId = this.newId();
    await this.store.record({
      audit: [
        {
          eventId,
          time: this.clock.now(),
          actor: 'system',
          event: 'audit.checkpoint',
          details: { seq: head.seq, hash: head.hash, channel: posted.channel, ts: posted.ts },
        },
      ],
      notices: [],
    });
    await this.recorder.flushAudit();
    this.#lastEventId = eventId;
    this.log.info({ seq: head.seq, channel: posted.channel, ts: posted.ts }, 'audit checkpoint posted');
  }
}
