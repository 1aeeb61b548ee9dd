/** Helpers for the loosely typed JSON that crosses the wire (blocks, views, payloads). */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON, or returns undefined: callers decide which Slack error a malformed document is. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A deep copy, so stored state never aliases what a caller later mutates. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
