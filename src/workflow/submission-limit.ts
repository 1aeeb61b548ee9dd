/**
 * At most `count` submissions per person in any sliding window of `windowMs`, as far as this process has
 * seen them: kept in memory, so a form is refused at once, before its ack. The store's counters
 * (`Store.submissions`), shared by every replica, decide when the request is submitted.
 */
export class SubmissionLimit {
  readonly #recent = new Map<string, number[]>();

  constructor(private readonly limit: { count: number; windowMs: number }) {}

  /** Whether `person` may submit now. */
  allows(person: string, now: number): boolean {
    return this.#within(person, now).length < this.limit.count;
  }

  record(person: string, now: number): void {
    this.#recent.set(person, [...this.#within(person, now), now]);
  }

  #within(person: string, now: number): number[] {
    return (this.#recent.get(person) ?? []).filter((t) => now - t < this.limit.windowMs);
  }
}
