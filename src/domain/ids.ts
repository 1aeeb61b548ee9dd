/** Human request references (`REQ-0042`) and their parsing. Internal ids are opaque UUIDs. */

const REF = /^REQ-(\d+)$/i;

export function formatRef(number: number): string {
  return `REQ-${String(number).padStart(4, '0')}`;
}

/** The request number of a reference like `REQ-0042` or `req-42`, or undefined. */
export function parseRef(text: string): number | undefined {
  const m = REF.exec(text.trim());
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
