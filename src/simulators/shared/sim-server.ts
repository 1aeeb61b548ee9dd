/**
 * The HTTP server under every provider simulator: 127.0.0.1 only, every request recorded, connections
 * counted (to prove keep-alive), and faults injected for the next N requests — an error status with
 * `Retry-After`, added latency, or a dropped connection, before the request is handled or after (the
 * provider acted but its answer was lost).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface SimRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The request target exactly as sent (path and raw query). */
  target: string;
  /** When it arrived and when it was answered (performance.now() ms): lets a test order calls against other events. */
  receivedMs: number;
  answeredMs?: number;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export type Fault =
  | { type: 'status'; status: number; retryAfterSeconds?: number; when?: 'before' | 'after' }
  | { type: 'latency'; ms: number; when?: 'before' | 'after' }
  | { type: 'drop'; when?: 'before' | 'after' }
  /**
   * An answer made from the request itself, for misbehaviour no provider documents but reviews have
   * met: an error body echoing the credentials it was sent (issue 11, item 7).
   */
  | { type: 'answer'; respond: (request: SimRequest) => SimResponse; when?: 'before' | 'after' };

export interface SimServerOptions {
  /** Renders an injected error status in the provider's own format. */
  faultResponse: (status: number, retryAfterSeconds: number | undefined) => SimResponse;
  port?: number;
}

export type SimHandler = (request: SimRequest) => Promise<SimResponse> | SimResponse;

export class SimServer {
  readonly requests: SimRequest[] = [];
  #connections = 0;
  readonly #faults: Fault[] = [];
  #latencyMs = 0;
  readonly #sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handler: SimHandler, options: SimServerOptions): Promise<SimServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const sim = new SimServer(server, `http://127.0.0.1:${port}`);
    server.on('connection', (socket) => {
      sim.#connections++;
      sim.#sockets.add(socket);
      socket.on('close', () => sim.#sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      void sim.#serve(req, res, handler, options);
    });
    return sim;
  }

  /** TCP connections accepted since start. */
  get connections(): number {
    return this.#connections;
  }

  /** The next `count` requests meet `fault`. */
  inject(fault: Fault, count = 1): void {
    for (let i = 0; i < count; i++) this.#faults.push(fault);
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Every request from now on waits `ms` before it is handled: a slow provider (0 turns it off). */
  setLatency(ms: number): void {
    this.#latencyMs = ms;
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async #serve(
    req: IncomingMessage,
    res: ServerResponse,
    handler: SimHandler,
    options: SimServerOptions,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = req.url ?? '/';
    const url = new URL(target, 'http://sim.invalid');
    const request: SimRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      target,
      receivedMs: performance.now(),
    };
    this.requests.push(request);
    if (this.#latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#latencyMs));
    const fault = this.#faults.shift();
    const before = fault && (fault.when ?? 'before') === 'before';
    if (fault && before) {
      const answer = await this.#apply(fault, req, request, options);
      if (answer === 'dropped') return;
      if (answer) return send(res, answer, request);
    }
    let response: SimResponse;
    try {
      response = await handler(request);
    } catch (error) {
      response = {
        status: 500,
        headers: { 'content-type': 'text/plain' },
        body: `simulator error: ${(error as Error).message}`,
      };
    }
    if (fault && !before) {
      const answer = await this.#apply(fault, req, request, options);
      if (answer === 'dropped') return;
      if (answer) return send(res, answer, request);
    }
    send(res, response, request);
  }

  async #apply(
    fault: Fault,
    req: IncomingMessage,
    request: SimRequest,
    options: SimServerOptions,
  ): Promise<SimResponse | 'dropped' | undefined> {
    switch (fault.type) {
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return undefined;
      case 'drop':
        req.socket.destroy();
        return 'dropped';
      case 'answer':
        return fault.respond(request);
      case 'status': {
        const response = options.faultResponse(fault.status, fault.retryAfterSeconds);
        if (fault.retryAfterSeconds === undefined) return response;
        return { ...response, headers: { ...response.headers, 'retry-after': String(fault.retryAfterSeconds) } };
      }
    }
  }
}

function send(res: ServerResponse, response: SimResponse, request: SimRequest): void {
  if (res.destroyed) return;
  request.answeredMs = performance.now();
  res.writeHead(response.status, response.headers ?? {});
  res.end(response.body ?? '');
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
