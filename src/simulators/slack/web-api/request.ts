/**
 * Turns an HTTP request to /api/<method> into arguments and a token, as Slack reads them: a form or
 * JSON body (plus query string), the token from `Authorization: Bearer` or, for forms, a `token`
 * field. Arguments Slack takes as JSON strings (`blocks`, `view`, `attachments`, `metadata`) are decoded; an
 * undecodable one stays a string, so the method answers with its own error for it.
 */
import { isObject, tryParseJson, type JsonObject } from '../json.ts';

const JSON_ARGUMENTS = ['blocks', 'view', 'attachments', 'metadata'];

export interface ParsedCall {
  params: JsonObject;
  token?: string;
}

export function parseCall(
  contentType: string | undefined,
  body: string,
  query: URLSearchParams,
  authorization: string | undefined,
): ParsedCall | { error: string } {
  const params: JsonObject = Object.fromEntries(query);
  let bodyToken: string | undefined;
  if (body.length > 0) {
    const type = contentType?.split(';')[0]?.trim().toLowerCase();
    if (type === undefined || type === '') return { error: 'missing_post_type' };
    if (type === 'application/x-www-form-urlencoded') {
      const form = Object.fromEntries(new URLSearchParams(body));
      bodyToken = form.token;
      Object.assign(params, form);
    } else if (type === 'application/json') {
      // JSON bodies must authenticate with the header; Slack ignores a token inside them.
      const parsed = tryParseJson(body);
      if (!isObject(parsed)) return { error: 'invalid_json' };
      Object.assign(params, parsed);
      delete params.token;
    } else {
      // multipart/form-data (file uploads) is not simulated.
      return { error: 'invalid_post_type' };
    }
  }
  const queryToken = query.get('token') ?? undefined;
  const header = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  delete params.token;
  for (const key of JSON_ARGUMENTS) {
    const value = params[key];
    if (typeof value === 'string') {
      const decoded = tryParseJson(value);
      if (decoded !== undefined) params[key] = decoded;
    }
  }
  const token = header ?? bodyToken ?? queryToken;
  return token === undefined ? { params } : { params, token };
}
