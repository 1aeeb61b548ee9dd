/**
 * A guard in front of Bolt's HTTP receiver. Bolt reads fields off the parsed body without checking that
 * it is an object: a body of `null` (or `payload=null`) throws outside its error handling, an unhandled
 * rejection that would end the process. The guard buffers the body once (Bolt reuses it), answers 400 to
 * a body that is not a JSON object or a form, and answers any error Bolt lets escape with 400 too.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';

const BODY_LIMIT = 4 * 1024 * 1024; // Bolt's own limit

export function guardRequests(listener: RequestListener, log: Logger): RequestListener {
  return (req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log.warn({ err: error }, 'Slack request failed');
      answer(res, 400);
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'POST') {
      const body = await readBody(req);
      if (body === undefined) return answer(res, 413);
      if (!isObjectBody(body.toString('utf8'), req.headers['content-type'])) return answer(res, 400);
      // Bolt uses a body already read when it finds it here.
      (req as IncomingMessage & { rawBody: Buffer }).rawBody = body;
    }
    await listener(req, res);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Whether Bolt will parse this into an object: a form (whose `payload`, if any, is a JSON object), or a JSON object. */
function isObjectBody(text: string, contentType: string | undefined): boolean {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const payload = new URLSearchParams(text).get('payload');
      return payload === null || isObject(JSON.parse(payload));
    }
    return isObject(JSON.parse(text));
  } catch {
    // Not parseable: Bolt answers that itself (401 unsigned, 400 malformed).
    return true;
  }
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}
