/**
 * The page's HTTP server: the page's files and the JSON API, on 127.0.0.1. Any web page the person
 * visits could otherwise drive it: a write must come from the sandbox's own page (its Origin, as JSON,
 * which a cross-site form cannot send without a preflight this server never grants), and every request
 * must name the sandbox as its Host, so a DNS-rebinding name pointed at 127.0.0.1 reads nothing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, isAction, readState, runAction, type ApiContext } from './api.ts';
import type { PageAssets } from './page-assets.ts';

const MAX_BODY_BYTES = 64 * 1024;

export interface PageServer {
  port: number;
  close(): Promise<void>;
}

export async function startPageServer(ctx: ApiContext, assets: PageAssets, port: number): Promise<PageServer> {
  let hosts = new Set<string>();
  const server: Server = createServer((req, res) => {
    const refusal = refuse(req, hosts);
    if (refusal) return json(res, refusal.status, { error: refusal.error });
    void route(ctx, assets, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  hosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`]);
  return {
    port: bound,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Why a request does not come from the sandbox's own page, or undefined when it does. */
function refuse(req: IncomingMessage, hosts: ReadonlySet<string>): { status: number; error: string } | undefined {
  const host = req.headers.host ?? '';
  if (!hosts.has(host))
    return {
      status: 421,
      error: `this is the iam-bot sandbox; open it as ${[...hosts].map((h) => `http://${h}`).join(' or ')}`,
    };
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const origin = req.headers.origin;
  // A browser names the page a write comes from; a client with no page (curl, the tests) names none.
  if (origin !== undefined && origin !== `http://${host}`)
    return { status: 403, error: `cross-origin request from ${origin} refused` };
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    return { status: 415, error: 'send JSON (content-type: application/json)' };
  return undefined;
}

async function route(ctx: ApiContext, assets: PageAssets, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  try {
    if (req.method === 'GET') {
      if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', assets.html);
      if (url.pathname === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', assets.js);
      if (url.pathname === '/app.css') return send(res, 200, 'text/css; charset=utf-8', assets.css);
      if (url.pathname === '/favicon.svg') return send(res, 200, 'image/svg+xml', assets.favicon);
      if (url.pathname === '/api/state') return json(res, 200, await readState(ctx, url.searchParams.get('user')));
    }
    const action = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : '';
    if (req.method === 'POST' && isAction(action))
      return json(res, 200, await runAction(ctx, action, await readJson(req)));
    return json(res, 404, { error: `no route ${req.method ?? ''} ${url.pathname}` });
  } catch (error) {
    if (error instanceof ApiError) return json(res, error.status, { error: error.message });
    return json(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ApiError('sandbox_too_large', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError('sandbox_bad_request', 'the body is not JSON');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
