/**
 * A faithful local JCS IAM endpoint on SimServer: signature v2 checked as the server checks it, JCS's
 * actions, formats, status codes and limits, and an account whose state tests seed and read.
 */
import { randomUUID } from 'node:crypto';
import { SimServer, json, type SimRequest, type SimResponse } from '../shared/sim-server.ts';
import { actions } from './actions.ts';
import { authenticate } from './auth.ts';
import { JcsSimError, JcsState, hexId } from './state.ts';

export { JcsSimError, JcsState, type SimGroup, type SimKey, type SimMfaDevice, type SimUser } from './state.ts';

export interface JcsSimulatorOptions {
  /** The server's clock in epoch ms (default: the real one), so tests can make a timestamp stale. */
  now?: () => number;
  /** The account's root credential; random when absent. */
  accessKey?: string;
  secretKey?: string;
  port?: number;
}

export interface JcsSimulator {
  url: string;
  server: SimServer;
  /** The root credential. Keys created through the API (or `state.addKey`) are accepted too. */
  credentials: { accessKey: string; secretKey: string };
  /** Seed and inspect the account. */
  state: JcsState;
  close(): Promise<void>;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export async function startJcsSimulator(options: JcsSimulatorOptions = {}): Promise<JcsSimulator> {
  const credentials = { accessKey: options.accessKey ?? hexId(), secretKey: options.secretKey ?? hexId() };
  const now = options.now ?? Date.now;
  const state = new JcsState();
  const handlers = actions(state);

  const secretOf = (accessKey: string) => (accessKey === credentials.accessKey ? credentials.secretKey : state.keyByAccess(accessKey)?.secret);

  const handle = (request: SimRequest): SimResponse => {
    if (request.method !== 'GET') throw new JcsSimError(405, 'Only GET is supported');
    if (request.path !== '/') throw new JcsSimError(404, `No resource at ${request.path}`);
    const params = Object.fromEntries(request.query);
    const accessKey = authenticate(request, params, secretOf, now());
    const action = params.Action;
    // Own keys only: `Action=toString` is an unknown action, not Object.prototype.toString.
    const handler = action !== undefined && Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    if (!action || !handler) throw new JcsSimError(400, action ? `Unknown action ${action}` : 'Missing required parameter Action');
    if (state.isDenied(action)) throw new JcsSimError(403, `You are not authorized to perform ${action}`);
    const owner = state.keyByAccess(accessKey);
    return handler(params, owner && state.userById(owner.userId));
  };

  const server = await SimServer.start(
    (request) => {
      try {
        return withRequestId(handle(request));
      } catch (error) {
        if (error instanceof JcsSimError) return errorResponse(error.status, error.message);
        throw error;
      }
    },
    { faultResponse: (status) => errorResponse(status, TITLES[status] ?? `HTTP ${status}`), ...(options.port !== undefined && { port: options.port }) },
  );
  return { url: server.url, server, credentials, state, close: () => server.close() };
}

/** JCS's error body. */
function errorResponse(status: number, message: string): SimResponse {
  return withRequestId(json(status, { error: { code: status, title: TITLES[status] ?? `HTTP ${status}`, message } }));
}

/** [guess] JCS's Keystone lineage names each request in `x-openstack-request-id`. */
function withRequestId(response: SimResponse): SimResponse {
  return { ...response, headers: { ...response.headers, 'x-openstack-request-id': `req-${randomUUID()}` } };
}
