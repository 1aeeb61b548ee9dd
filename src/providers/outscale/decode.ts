/**
 * Turns an EIM answer into plain data for the zod schemas. EIM sends AWS query-protocol XML, although its
 * docs render answers as flat JSON; both are accepted. XML is read namespace-agnostically, every value as
 * text, and `<member>` always as a list (a single member would otherwise read as an object).
 */
import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  parseTagValue: false,
  isArray: (name) => name === 'member',
});

/** The body as data, or undefined when it is empty or neither XML nor JSON. */
export function readBody(body: string): unknown {
  const text = body.trim();
  if (text === '') return undefined;
  try {
    return text.startsWith('<') ? parser.parse(text) : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** A text value that may be empty (`<Marker/>`): empty reads as absent. */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const requestIdOf = z.object({ ResponseMetadata: z.object({ RequestId: optionalText }).optional() }).catch({});

/**
 * An answer's `<{action}Result>` (XML, or AWS's JSON rendering of it) or, for the flat JSON of the docs,
 * the whole object; and the request id from `ResponseMetadata`. The result is for the action's schema.
 */
export function unwrapAnswer(action: string, doc: unknown): { result: unknown; requestId: string | undefined } {
  const root = field(doc, `${action}Response`) ?? doc;
  return {
    result: field(root, `${action}Result`) ?? root,
    requestId: requestIdOf.parse(root).ResponseMetadata?.RequestId,
  };
}

/** A list: `{ member: [...] }` in XML (nothing at all when empty), a plain array in JSON. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    if (value === undefined || value === '') return [];
    const members = field(value, 'member');
    return members === undefined ? value : members;
  }, z.array(item));
}

/** `true`/`false` as XML text or as a JSON boolean. */
const flag = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());

/** The fields every paginated EIM list shares. */
export const paging = {
  IsTruncated: flag.default(false),
  Marker: optionalText,
};

const errorDetail = z.object({ Code: z.string().min(1), Message: optionalText });
const errorBody = z.object({ Error: errorDetail, RequestId: optionalText });

/** `<ErrorResponse><Error>…</Error><RequestId/></ErrorResponse>`, or the same object without the wrapper. */
export const errorAnswer = z.union([
  z.object({ ErrorResponse: errorBody }).transform((doc) => doc.ErrorResponse),
  errorBody,
]);
