/**
 * Request authentication as the JCS server does it, written from docs/providers/jcs.md (the signature
 * version 2 item of "Exact shapes", and "What the simulator plays": the server checks in order) and not from
 * the adapter's signing code, so the two can disagree when
 * one of them is wrong:
 * - a wrong SignatureMethod or SignatureVersion answers 400;
 * - the Timestamp is checked before the signature: older than 300 s answers 403 even when the request is
 *   also badly signed (a future Timestamp passes);
 * - a missing or unknown access key, or a signature that matches neither the host as sent (X-Forwarded-Host
 *   else Host) nor, when it has a port, the host without it, answers 401.
 * 401 and 403 answers carry the server's generic messages, never the reason.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../shared/sim-server.ts';
import { FORBIDDEN, JcsSimError, UNAUTHENTICATED } from './errors.ts';

type Params = Readonly<Record<string, string>>;

const MAX_AGE_MS = 300_000;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
/** RFC 3986 unreserved bytes: A-Z a-z 0-9 - _ . ~ */
const UNRESERVED = /^[A-Za-z0-9\-_.~]$/;

/** Checks the request's age and signature; returns the access key it was signed with. */
export function authenticate(
  request: SimRequest,
  params: Params,
  secretOf: (accessKey: string) => string | undefined,
  now: number,
): string {
  if (params.SignatureMethod !== 'HmacSHA256' || params.SignatureVersion !== '2') {
    throw new JcsSimError(400, 'SignatureMethod must be HmacSHA256 and SignatureVersion 2');
  }
  // A missing or malformed Timestamp: nothing says (docs/providers/jcs.md); the simulator refuses it as a bad request.
  const at = parseTimestamp(params.Timestamp);
  if (at === undefined) throw new JcsSimError(400, 'Timestamp must be YYYY-MM-DDTHH:MM:SSZ');
  if (now - at > MAX_AGE_MS) throw new JcsSimError(403, FORBIDDEN);
  const accessKey = params.JCSAccessKeyId;
  const sent = params.Signature;
  const secretKey = accessKey === undefined ? undefined : secretOf(accessKey);
  if (accessKey === undefined || sent === undefined || secretKey === undefined)
    throw new JcsSimError(401, UNAUTHENTICATED);
  const host = header(request, 'x-forwarded-host') ?? header(request, 'host') ?? '';
  const portless = host.replace(/:\d+$/, '');
  const hosts = portless === host ? [host] : [host, portless];
  if (!hosts.some((candidate) => equal(expectedSignature(secretKey, candidate, params), sent)))
    throw new JcsSimError(401, UNAUTHENTICATED);
  return accessKey;
}

/** Signature version 2 (docs/providers/jcs.md, "Exact shapes"). */
export function expectedSignature(secretKey: string, host: string, params: Params): string {
  const query = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort(byCodePoint)
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
  return createHmac('sha256', secretKey).update(`GET\n${host}\n/\n${query}`).digest('base64');
}

/** Byte by byte over the UTF-8 form: unreserved bytes literal, every other one `%XX` in upper case. */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && UNRESERVED.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function byCodePoint(a: string, b: string): number {
  const left = [...a].map((c) => c.codePointAt(0) ?? 0);
  const right = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function parseTimestamp(text: string | undefined): number | undefined {
  const parts = text === undefined ? null : TIMESTAMP.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
