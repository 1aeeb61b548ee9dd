/**
 * Slack's side of Socket Mode, as @slack/socket-mode 3.x speaks it: apps.connections.open hands out
 * a one-use `…/link/?ticket=…&app_id=…` URL; on connect the server sends `hello` (num_connections,
 * connection_info.app_id, debug_info); envelopes `{ envelope_id, type, payload,
 * accepts_response_payload }` go to one of the open connections, which acks with
 * `{ envelope_id, payload? }`; `disconnect` asks the app to reconnect. Up to 10 connections per app.
 * ws answers the client's pings; the server pings on an interval when asked to.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from './clock.ts';
import type { IdFactory } from './ids.ts';
import { isObject, tryParseJson, type JsonObject } from './json.ts';

export const MAX_SOCKET_CONNECTIONS = 10;
const DEBUG_HOST = 'applink-simulator';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: JsonObject;
  accepts_response_payload: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

export interface EnvelopeAck {
  acked: boolean;
  /** The ack's payload (the equivalent of an HTTP answer body); `{}` for a bare ack. */
  payload?: JsonObject;
  ms: number;
}

export interface SocketConnection {
  id: number;
  openedAt: number;
  open: boolean;
  /** Pongs received for the server's pings. */
  pongs: number;
}

export type DisconnectReason = 'warning' | 'refresh_requested' | 'link_disabled' | 'too_many_websockets';

export interface SocketModeServerOptions {
  appId: string;
  clock: Clock;
  ids: IdFactory;
  /** Server ping interval; off when undefined. */
  pingIntervalMs?: number;
}

export class SocketModeServer {
  /** Every connection accepted since start, open or closed. */
  readonly connections: SocketConnection[] = [];
  /** Every `hello` sent. */
  readonly hellos: JsonObject[] = [];
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #open = new Map<number, WebSocket>();
  readonly #pending = new Map<string, (payload: JsonObject) => void>();
  readonly #events = new EventEmitter();
  #nextConnection = 0;
  #roundRobin = 0;

  constructor(private readonly options: SocketModeServerOptions) {}

  /** A one-use WebSocket URL under `wsBase` (ws://127.0.0.1:port). */
  issueUrl(wsBase: string): string {
    const ticket = this.options.ids.secret();
    this.#tickets.add(ticket);
    return `${wsBase}/link/?ticket=${ticket}&app_id=${this.options.appId}`;
  }

  /** Takes an HTTP upgrade for /link/; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    if (url.pathname !== '/link/' && url.pathname !== '/link') return false;
    const ticket = url.searchParams.get('ticket');
    if (ticket === null || !this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    // Slack's documented trick: debug_reconnects=true shortens the connection's life to 360 s.
    const debugReconnects = url.searchParams.get('debug_reconnects') === 'true';
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, debugReconnects));
    return true;
  }

  get openConnections(): number {
    return this.#open.size;
  }

  /** Resolves once at least `count` connections are open (after start or a reconnect). */
  async waitForConnections(count = 1, timeoutMs = 5000): Promise<void> {
    if (this.#open.size >= count) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#events.off('open', check);
        reject(new Error(`Socket Mode: ${this.#open.size} of ${count} connections open after ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (this.#open.size < count) return;
        clearTimeout(timer);
        this.#events.off('open', check);
        resolve();
      };
      this.#events.on('open', check);
    });
  }

  /** Sends the envelope to one open connection (round robin) and waits for its ack. */
  async deliver(envelope: Envelope, timeoutMs: number): Promise<EnvelopeAck> {
    const sockets = [...this.#open.values()];
    if (sockets.length === 0) throw new Error('Socket Mode: no connection is open (did the app start?)');
    const ws = sockets[this.#roundRobin++ % sockets.length] as WebSocket;
    const started = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelope.envelope_id);
        resolve({ acked: false, ms: performance.now() - started });
      }, timeoutMs);
      this.#pending.set(envelope.envelope_id, (payload) => {
        clearTimeout(timer);
        this.#pending.delete(envelope.envelope_id);
        resolve({ acked: true, payload, ms: performance.now() - started });
      });
      ws.send(JSON.stringify(envelope));
    });
  }

  /** Sends `disconnect` to every open connection, as Slack does before recycling them. */
  disconnectAll(reason: DisconnectReason = 'refresh_requested'): void {
    for (const ws of this.#open.values()) ws.send(JSON.stringify(disconnectMessage(reason)));
  }

  async close(): Promise<void> {
    for (const ws of this.#open.values()) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket, debugReconnects: boolean): void {
    ws.on('error', () => ws.terminate());
    if (this.#open.size >= MAX_SOCKET_CONNECTIONS) {
      ws.send(JSON.stringify(disconnectMessage('too_many_websockets')));
      ws.close();
      return;
    }
    const connection: SocketConnection = {
      id: ++this.#nextConnection,
      openedAt: this.options.clock(),
      open: true,
      pongs: 0,
    };
    this.connections.push(connection);
    this.#open.set(connection.id, ws);
    const pinger =
      this.options.pingIntervalMs === undefined ? undefined : setInterval(() => ws.ping(), this.options.pingIntervalMs);
    pinger?.unref();
    ws.on('pong', () => connection.pongs++);
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.#onMessage(String(data));
    });
    ws.on('close', () => {
      clearInterval(pinger);
      connection.open = false;
      this.#open.delete(connection.id);
    });
    const hello = {
      type: 'hello',
      num_connections: this.#open.size,
      debug_info: {
        host: DEBUG_HOST,
        started: new Date(this.options.clock()).toISOString().replace('T', ' ').slice(0, 23),
        build_number: 1,
        approximate_connection_time: debugReconnects ? 360 : 18060,
      },
      connection_info: { app_id: this.options.appId },
    };
    this.hellos.push(hello);
    ws.send(JSON.stringify(hello));
    this.#events.emit('open');
  }

  #onMessage(text: string): void {
    const message = tryParseJson(text);
    if (!isObject(message) || typeof message.envelope_id !== 'string') return;
    this.#pending.get(message.envelope_id)?.(isObject(message.payload) ? message.payload : {});
  }
}

function disconnectMessage(reason: DisconnectReason): JsonObject {
  return { type: 'disconnect', reason, debug_info: { host: DEBUG_HOST } };
}
