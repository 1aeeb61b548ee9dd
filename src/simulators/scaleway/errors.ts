/**
 * Scaleway's error answers, flat JSON keyed on `type`. Bodies seen in recorded traffic are copied field
 * for field (`not_found`; scaleway-recorded/); for the others every field the official SDKs require to
 * type the error is present (@scaleway/sdk-client `scw/errors/standard/*`, `fromJSON`: `already_exists`
 * needs `resource`, `resource_id` and `help_message`; `transient_state` `current_state`;
 * `invalid_arguments`, `permissions_denied` and `quotas_exceeded` a `details` list; `denied_authentication`
 * `method` and `reason`; `too_many_requests` `help_message`), each with `message` and `type`. Marked
 * [guess] where neither shows the exact text.
 */
import { randomUUID } from 'node:crypto';
import { json, type SimResponse } from '../shared/sim-server.ts';

/** Every answer carries exactly `Content-Type: application/json` and a request id. */
export function answer(status: number, body: unknown): SimResponse {
  return json(status, body, { 'x-request-id': randomUUID() });
}

export function noContent(): SimResponse {
  return { status: 204, headers: { 'content-type': 'application/json', 'x-request-id': randomUUID() }, body: '' };
}

export function notFound(resource: string, resourceId: string): SimResponse {
  return answer(404, { message: 'resource is not found', resource, resource_id: resourceId, type: 'not_found' });
}

export function transientState(resource: string, resourceId: string): SimResponse {
  return answer(409, {
    current_state: 'updating',
    message: 'resource is in a transient state',
    resource,
    resource_id: resourceId,
    type: 'transient_state',
  });
}

/**
 * [guess] A second add of the same member, if Scaleway refuses it (docs/providers/scaleway.md): `resource` empty as in the
 * recorded 404 for removing a non-member; the SDK needs `help_message` to type it as AlreadyExistsError.
 */
export function alreadyExists(resourceId: string): SimResponse {
  return answer(409, {
    help_message: 'the member is already in the group',
    message: 'resource already exists',
    resource: '',
    resource_id: resourceId,
    type: 'already_exists',
  });
}

export type ArgumentReason = 'required' | 'format' | 'constraint';

export function invalidArgument(argumentName: string, reason: ArgumentReason, helpMessage: string): SimResponse {
  return answer(400, {
    details: [{ argument_name: argumentName, reason, help_message: helpMessage }],
    message: 'invalid argument(s)',
    type: 'invalid_arguments',
  });
}

export function permissionsDenied(action: 'read' | 'write', resource: string): SimResponse {
  return answer(403, {
    details: [{ action, resource }],
    message: 'insufficient permissions',
    type: 'permissions_denied',
  });
}

export function quotaExceeded(resource: string, quota: number, current: number, organizationId: string): SimResponse {
  return answer(403, {
    details: [{ current, quota, resource, organization_id: organizationId }],
    message: 'quota(s) exceeded for this resource',
    type: 'quotas_exceeded',
  });
}

export type AuthFailure = 'invalid_argument' | 'not_found' | 'expired';

export function deniedAuthentication(reason: AuthFailure): SimResponse {
  return answer(401, { message: 'authentication is denied', method: 'api_key', reason, type: 'denied_authentication' });
}

/** Rendering of an injected fault status (SimServer adds `Retry-After` when the test asks for one). */
export function faultResponse(status: number, retryAfterSeconds: number | undefined): SimResponse {
  if (status === 429) {
    return answer(429, {
      help_message: 'slow down and retry after the reset',
      message: 'too many requests',
      reset_seconds: retryAfterSeconds ?? DEFAULT_RESET_SECONDS,
      type: 'too_many_requests',
    });
  }
  // [guess] The gateway's body for 5xx answers is not recorded anywhere.
  return answer(status, {
    message: status === 503 ? 'service unavailable' : 'internal error',
    type: status === 503 ? 'service_unavailable' : 'internal_error',
  });
}

/** What an injected 429 without an explicit wait says in `reset_seconds`. */
export const DEFAULT_RESET_SECONDS = 3;

/** For endpoints this simulator does not model: said plainly, never passed off as Scaleway's answer. */
export function notSimulated(method: string, path: string): SimResponse {
  return answer(501, { message: `the Scaleway simulator does not implement ${method} ${path}`, type: 'not_simulated' });
}
