/**
 * JCS signature version 2 (docs/providers/jcs.md, Exact shapes): every parameter travels in the query string of a `GET /`, and the
 * signature is an HMAC-SHA256 over the method, the host as sent, the path `/` and the canonical query.
 * Pure functions, shared by the wire client (to sign) and the simulator (to verify as the server does).
 */
import { createHmac } from 'node:crypto';

export type JcsParams = Readonly<Record<string, string>>;

const SIGNATURE_VERSION = '2';
const SIGNATURE_METHOD = 'HmacSHA256';
/** Signed, never checked by the server. */
const API_VERSION = '2016-09-15';

/** RFC 3986: unreserved characters stay literal, every other UTF-8 byte becomes `%XX` (space is `%20`). */
export function encodeRfc3986(text: string): string {
  // encodeURIComponent leaves !'()* literal; RFC 3986 reserves them.
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** All parameters but `Signature`, keys sorted by code point (case-sensitive), encoded, joined `k=v&…`. */
export function canonicalQuery(params: JcsParams): string {
  return Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((key) => `${encodeRfc3986(key)}=${encodeRfc3986(params[key] ?? '')}`)
    .join('&');
}

/** `host` exactly as in the Host header: with `:port` when the header has one. */
export function stringToSign(host: string, params: JcsParams): string {
  return `GET\n${host}\n/\n${canonicalQuery(params)}`;
}

/** Base64 (padded) HMAC-SHA256 of the string to sign, keyed with the secret key string. */
export function signature(secretKey: string, host: string, params: JcsParams): string {
  return createHmac('sha256', secretKey).update(stringToSign(host, params)).digest('base64');
}

/** The JCS timestamp format: UTC to the second, `YYYY-MM-DDTHH:MM:SSZ`. */
export function jcsTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/**
 * The query string of a signed request: the action's parameters plus the common ones, canonical order,
 * with the signature appended (percent-encoded: base64 holds `+`, `/` and `=`).
 */
export function signedQuery(
  action: string,
  params: JcsParams,
  credentials: { accessKey: string; secretKey: string },
  host: string,
  at: Date,
): string {
  const all: JcsParams = {
    ...params,
    Action: action,
    JCSAccessKeyId: credentials.accessKey,
    SignatureVersion: SIGNATURE_VERSION,
    SignatureMethod: SIGNATURE_METHOD,
    Version: API_VERSION,
    Timestamp: jcsTimestamp(at),
  };
  return `${canonicalQuery(all)}&Signature=${encodeRfc3986(signature(credentials.secretKey, host, all))}`;
}
