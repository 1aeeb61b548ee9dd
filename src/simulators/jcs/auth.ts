/**
 * Request authentication exactly as the JCS server does it (WIRE.md §1): the host is X-Forwarded-Host
 * else Host; a signature that fails for a host with a port is tried once more without it; missing or
 * unknown keys and bad signatures answer 401, a Timestamp more than 300 s old 403 (a future one passes),
 * a wrong SignatureMethod or SignatureVersion 400.
 */
import { timingSafeEqual } from 'node:crypto';
import { SIGNATURE_METHOD, SIGNATURE_VERSION, signature, type JcsParams } from '../../providers/jcs/signing.ts';
import type { SimRequest } from '../shared/sim-server.ts';
import { JcsSimError } from './state.ts';

const MAX_AGE_MS = 300_000;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Checks the request's signature and age; returns the access key it was signed with. */
export function authenticate(request: SimRequest, params: JcsParams, secretOf: (accessKey: string) => string | undefined, now: number): string {
  const accessKey = params.JCSAccessKeyId;
  const sent = params.Signature;
  if (!accessKey || !sent) throw new JcsSimError(401, 'Request is not signed: JCSAccessKeyId and Signature are required');
  if (params.SignatureMethod !== SIGNATURE_METHOD || params.SignatureVersion !== SIGNATURE_VERSION) {
    throw new JcsSimError(400, `Unsupported signature: SignatureMethod must be ${SIGNATURE_METHOD} and SignatureVersion ${SIGNATURE_VERSION}`);
  }
  const secretKey = secretOf(accessKey);
  if (secretKey === undefined) throw new JcsSimError(401, 'The access key is not valid');
  const host = first(request.headers['x-forwarded-host']) ?? first(request.headers.host) ?? '';
  const withoutPort = host.replace(/:\d+$/, '');
  const valid = (candidate: string) => same(signature(secretKey, candidate, params), sent);
  if (!valid(host) && (withoutPort === host || !valid(withoutPort))) throw new JcsSimError(401, 'The request signature does not match');
  const timestamp = params.Timestamp;
  if (!timestamp || !TIMESTAMP.test(timestamp)) throw new JcsSimError(400, 'Timestamp is missing or not in the form YYYY-MM-DDTHH:MM:SSZ');
  if (now - Date.parse(timestamp) > MAX_AGE_MS) throw new JcsSimError(403, 'The request has expired: Timestamp is more than 300 seconds old');
  return accessKey;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
