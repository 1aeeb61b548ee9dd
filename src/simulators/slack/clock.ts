/**
 * Milliseconds since the epoch. The simulator reads time only through this, so tests can age a
 * trigger_id past 3 s or a response_url past 30 min without waiting.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
