/**
 * EIM answers as the service sends them: AWS query-protocol XML in the IAM namespace, `text/xml`, the
 * request id both in the body and in `x-amzn-RequestId`. Lists are `<member>` elements.
 */
import { randomUUID } from 'node:crypto';
import { XMLBuilder } from 'fast-xml-parser';
import type { SimResponse } from '../shared/sim-server.ts';
import type { EimFault } from './fault.ts';

const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** A result element's content: text, nested elements, or a `{ member: [...] }` list. */
export type XmlValue = string | number | boolean | XmlValue[] | { [name: string]: XmlValue };

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/** `<{action}Response>` with a `<{action}Result>` when the action returns something. */
export function renderResult(action: string, result: Record<string, XmlValue> | undefined): SimResponse {
  const requestId = randomUUID();
  const body: Record<string, XmlValue> = { '@_xmlns': IAM_NAMESPACE };
  if (result) body[`${action}Result`] = result;
  body.ResponseMetadata = { RequestId: requestId };
  return xml(200, { [`${action}Response`]: body }, requestId);
}

export function renderError(fault: EimFault): SimResponse {
  const requestId = randomUUID();
  const body = {
    ErrorResponse: {
      '@_xmlns': IAM_NAMESPACE,
      Error: { Type: fault.type, Code: fault.code, Message: fault.message },
      RequestId: requestId,
    },
  };
  return xml(fault.status, body, requestId);
}

/** A list element: `{ member: [...] }`, so an empty list still renders its wrapper. */
export function members(items: readonly XmlValue[]): XmlValue {
  return { member: [...items] };
}

function xml(status: number, document: Record<string, XmlValue>, requestId: string): SimResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build(document) as string}`,
  };
}
