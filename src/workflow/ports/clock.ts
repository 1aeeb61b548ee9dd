/** The Clock port: what time it is, so tests and the sandbox can move time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
