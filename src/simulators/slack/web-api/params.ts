/** Reading Web API arguments, which arrive as form strings or as JSON values. */
import type { JsonObject } from '../json.ts';

/** A string argument; JSON numbers count (a ts may arrive as 1503435956.000247). */
export function str(params: JsonObject, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** A comma-separated list argument (conversations.open users). */
export function list(params: JsonObject, key: string): string[] {
  return (str(params, key) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
