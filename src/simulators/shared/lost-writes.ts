/**
 * A provider that acknowledges a write without doing it: the next `count` writes of a kind are checked
 * and answered exactly as usual (the same status, the same body), and change nothing. No provider
 * documents this; it is the failure issue 16 names — "a grant reported as done that never took effect",
 * "access that survived its revoke" — which the bot must catch by reading the state back. Each simulator
 * decides, from its own model, where a kind of write takes effect and so where it can be lost.
 */
export class LostWrites<Kind extends string> {
  readonly #pending = new Map<Kind, number>();

  /** The next `count` writes of `kind` are acknowledged and not applied. */
  lose(kind: Kind, count = 1): void {
    this.#pending.set(kind, (this.#pending.get(kind) ?? 0) + count);
  }

  /** Whether this write of `kind` is one to lose (it counts as one of them). */
  take(kind: Kind): boolean {
    const left = this.#pending.get(kind) ?? 0;
    if (left === 0) return false;
    this.#pending.set(kind, left - 1);
    return true;
  }

  clear(): void {
    this.#pending.clear();
  }
}
