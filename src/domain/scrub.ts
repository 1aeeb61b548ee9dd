/**
 * Every secret this process holds — each configured credential and each key the bot created — is
 * remembered when it is wrapped in a `Secret`, so any text about to be stored, logged, audited or posted
 * can be scrubbed of it: a provider that echoes a token in an error body must not carry it further.
 * Matched exactly and in the encodings an echo commonly takes: URL (either hex case, `+` for space),
 * JSON string escapes, and base64 (standard and URL-safe, at any byte alignment inside a longer blob).
 */

const SCRUBBED = '[redacted]';

/** Shorter values are not secrets worth the false matches (and a real credential is never this short). */
const MIN_SECRET_LENGTH = 8;
/** A base64 fragment shorter than this would match by chance. */
const MIN_BASE64_FRAGMENT = 8;

const known = new Set<string>();
let pattern: RegExp | undefined;

export function rememberSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH || known.has(value)) return;
  known.add(value);
  pattern = undefined;
}

/** The text with every known secret, in each encoding, replaced by `[redacted]`. */
export function scrubText(text: string): string {
  if (known.size === 0) return text;
  pattern ??= buildPattern();
  return text.replace(pattern, SCRUBBED);
}

/** A copy of `value` with every string in it scrubbed; values without a secret come back as they were. */
export function scrubDeep<T>(value: T): T {
  return scrubValue(value) as T;
}

/** A provider's words bounded in length: an error body can be megabytes, a message is read by people. */
export function boundText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function scrubValue(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) {
    const items = value.map(scrubValue);
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = scrubValue(item);
      if (out[key] !== item) changed = true;
    }
    return changed ? out : value;
  }
  return value;
}

function buildPattern(): RegExp {
  const alternatives = new Set<string>();
  for (const secret of known) for (const form of encodings(secret)) alternatives.add(form);
  const sorted = [...alternatives].sort((a, b) => b.length - a.length);
  return new RegExp(sorted.map(toRegex).join('|'), 'g');
}

/** The literal forms of one secret; URL-encoded ones are marked so their hex digits match in either case. */
function encodings(secret: string): string[] {
  const forms = [
    secret,
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
    encodeURIComponent(secret).replace(/%20/g, '+'),
  ];
  const bytes = Buffer.from(secret, 'utf8');
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    // Characters that also encode the filler before, or the unknown byte after, are not the secret's own.
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const fragment = encoded.slice(start, end);
    if (fragment.length >= MIN_BASE64_FRAGMENT) forms.push(fragment, fragment.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

function toRegex(form: string): string {
  return form
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(
      /%([0-9A-F])([0-9A-F])/g,
      (_m, a: string, b: string) => `%[${a}${a.toLowerCase()}][${b}${b.toLowerCase()}]`,
    );
}
