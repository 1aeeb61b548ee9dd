/**
 * Cloudflare's failures as ProviderErrors. The HTTP status gives the kind, except for credential
 * problems: Cloudflare answers a missing or malformed `Authorization` header with 400 and an
 * unknown token on some routes with 403, and the bot must report all of them as `unauthorized`.
 */
import type { ProviderErrorKind } from '../../domain/request.ts';
import { errorFromResponse, jsonBody, kindForStatus } from '../http/errors.ts';
import type { HttpResponse } from '../http/http-client.ts';
import type { ProviderError } from '../../workflow/ports.ts';
import { failureSchema, type Problem } from './schemas.ts';

/**
 * 9106 missing auth headers, 6003 invalid request headers (with 6111: malformed Authorization),
 * 9109 invalid access token, 1000 invalid API token (token verify).
 */
const CREDENTIAL_CODES = new Set([9106, 6003, 6111, 9109, 1000]);

/** Cloudflare's ray id names the request in its logs: support asks for it. */
export function rayOf(response: HttpResponse): string | undefined {
  const ray = response.headers['cf-ray'];
  return Array.isArray(ray) ? ray[0] : ray;
}

/** The problems Cloudflare listed, nested causes flattened after their parent. */
function problemsOf(response: HttpResponse): Problem[] {
  const parsed = failureSchema.safeParse(jsonBody(response));
  if (!parsed.success) return [];
  const flat: Problem[] = [];
  const walk = (list: Problem[]) => {
    for (const problem of list) {
      flat.push(problem);
      walk(problem.error_chain ?? []);
    }
  };
  walk(parsed.data.errors);
  return flat;
}

function kindOf(status: number, problems: Problem[]): ProviderErrorKind {
  if (problems.some((p) => CREDENTIAL_CODES.has(p.code))) return 'unauthorized';
  return kindForStatus(status);
}

/** `action` completes "Cloudflare could not …", e.g. "add a member to user group abc". */
export function cloudflareError(response: HttpResponse, action: string): ProviderError {
  const problems = problemsOf(response);
  const detail =
    problems.length > 0 ? problems.map((p) => `${p.message} (code ${p.code})`).join('; ') : `HTTP ${response.status}`;
  return errorFromResponse(response, `Cloudflare could not ${action}: ${detail}`, {
    kind: kindOf(response.status, problems),
    providerRequestId: rayOf(response),
  });
}
