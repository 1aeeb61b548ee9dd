/**
 * Server-side AWS Signature Version 4 check, rebuilt from the request as received (not with the client's
 * signing library, so a signing mistake on either side shows up): canonical request from the method,
 * path, query, the headers the client says it signed (Host included, port and all) and the body's hash;
 * then the credential scope (date, region, an accepted service), the key, the 5-minute clock window,
 * and the HMAC. Failures carry the codes and wording AWS-compatible services answer with.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SimRequest } from '../shared/sim-server.ts';
import { EimFault } from './fault.ts';

export interface SigV4Rules {
  region: string;
  /** Service names accepted in the credential scope (`eim`, and `iam` for the AWS CLI and SDKs). */
  services: ReadonlySet<string>;
  now: () => number;
  /** The secret of an active access key, or undefined. */
  secretOf(accessKeyId: string): string | undefined;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 5 * 60_000;

interface Authorization {
  accessKeyId: string;
  scope: { date: string; region: string; service: string; terminator: string };
  signedHeaders: string[];
  signature: string;
}

/** Returns the access key id that signed the request, or throws the fault the service would answer. */
export function verifySigV4(request: SimRequest, rules: SigV4Rules): string {
  const auth = parseAuthorization(header(request, 'authorization'));
  const amzDate = requestDate(request);
  const { scope } = auth;
  if (scope.date !== amzDate.slice(0, 8)) {
    throw new EimFault(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (scope.region !== rules.region)
    throw new EimFault(
      'SignatureDoesNotMatch',
      `Credential should be scoped to a valid region, not '${scope.region}'.`,
    );
  if (!rules.services.has(scope.service)) {
    throw new EimFault(
      'SignatureDoesNotMatch',
      `Credential should be scoped to correct service: '${[...rules.services][0]}'.`,
    );
  }
  if (scope.terminator !== 'aws4_request') {
    throw new EimFault(
      'SignatureDoesNotMatch',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${scope.terminator}'.`,
    );
  }
  const secret = rules.secretOf(auth.accessKeyId);
  if (secret === undefined)
    throw new EimFault('InvalidClientTokenId', 'The security token included in the request is invalid.');
  checkClock(amzDate, rules.now());
  for (const required of ['host', request.headers['x-amz-date'] === undefined ? 'date' : 'x-amz-date']) {
    if (!auth.signedHeaders.includes(required)) {
      throw new EimFault('IncompleteSignature', `'${required}' must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }
  const scopeText = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
  const stringToSign = [ALGORITHM, amzDate, scopeText, sha256(canonicalRequest(request, auth.signedHeaders))].join(
    '\n',
  );
  const expected = hmac(signingKey(secret, scope), stringToSign).toString('hex');
  const given = Buffer.from(auth.signature, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected, 'utf8'))) {
    throw new EimFault(
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return auth.accessKeyId;
}

function parseAuthorization(value: string | undefined): Authorization {
  if (value === undefined) throw new EimFault('MissingAuthenticationToken', 'Request is missing Authentication Token');
  const space = value.indexOf(' ');
  if (space < 0 || value.slice(0, space) !== ALGORITHM) {
    throw new EimFault('IncompleteSignature', `Unsupported AWS 'algorithm': '${value.split(' ')[0]}'.`);
  }
  const fields = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const parts = credential?.split('/') ?? [];
  if (!credential || !signedHeaders || !signature || parts.length !== 5) {
    throw new EimFault(
      'IncompleteSignature',
      "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
    );
  }
  const [accessKeyId = '', date = '', region = '', service = '', terminator = ''] = parts;
  return {
    accessKeyId,
    scope: { date, region, service, terminator },
    signedHeaders: signedHeaders.split(';'),
    signature,
  };
}

/** `X-Amz-Date`, or the HTTP `Date` header in the same basic ISO-8601 form. */
function requestDate(request: SimRequest): string {
  const amzDate = header(request, 'x-amz-date');
  if (amzDate !== undefined) return amzDate;
  const date = header(request, 'date');
  const at = date === undefined ? NaN : Date.parse(date);
  if (Number.isNaN(at))
    throw new EimFault(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  return basicIso(at);
}

function checkClock(amzDate: string, now: number): void {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) throw new EimFault('IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${amzDate}'.`);
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  if (at < now - MAX_SKEW_MS) {
    throw new EimFault(
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier than ${basicIso(now - MAX_SKEW_MS)} (${basicIso(now)} - 5 min.)`,
    );
  }
  if (at > now + MAX_SKEW_MS) {
    throw new EimFault(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${amzDate} is still later than ${basicIso(now + MAX_SKEW_MS)} (${basicIso(now)} + 5 min.)`,
    );
  }
}

function canonicalRequest(request: SimRequest, signedHeaders: readonly string[]): string {
  const queryAt = request.target.indexOf('?');
  const rawPath = queryAt < 0 ? request.target : request.target.slice(0, queryAt);
  const rawQuery = queryAt < 0 ? '' : request.target.slice(queryAt + 1);
  // Every service but S3 encodes each path segment once more.
  const path = rawPath.split('/').map(encodeRfc3986).join('/') || '/';
  const headers = signedHeaders
    .map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  return [request.method, path, canonicalQuery(rawQuery), headers, signedHeaders.join(';'), sha256(request.body)].join(
    '\n',
  );
}

function canonicalQuery(raw: string): string {
  const pairs = raw
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      const [key, value] = eq < 0 ? [piece, ''] : [piece.slice(0, eq), piece.slice(eq + 1)];
      return [encodeRfc3986(formDecode(key)), encodeRfc3986(formDecode(value))] as const;
    });
  pairs.sort(([ka, va], [kb, vb]) => (ka === kb ? compare(va, vb) : compare(ka, kb)));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

function signingKey(secret: string, scope: Authorization['scope']): Buffer {
  const date = hmac(`AWS4${secret}`, scope.date);
  const region = hmac(date, scope.region);
  const service = hmac(region, scope.service);
  return hmac(service, scope.terminator);
}

function header(request: SimRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function basicIso(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text, 'utf8').digest();
}
