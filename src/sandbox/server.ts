/** The page's HTTP server: the page's three files and the JSON API, on 127.0.0.1. */
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
  const server: Server = createServer((req, res) => void route(ctx, assets, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(ctx: ApiContext, assets: PageAssets, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
  try {
    if (req.method === 'GET') {
      if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', assets.html);
      if (url.pathname === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', assets.js);
      if (url.pathname === '/app.css') return send(res, 200, 'text/css; charset=utf-8', assets.css);
      if (url.pathname === '/api/state') return json(res, 200, readState(ctx, url.searchParams.get('user')));
    }
    const action = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : '';
    if (req.method === 'POST' && isAction(action)) return json(res, 200, await runAction(ctx, action, await readJson(req)));
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
    if (size > MAX_BODY_BYTES) throw new ApiError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ApiError(400, 'the body is not JSON');
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}
