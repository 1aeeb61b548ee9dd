/**
 * A faithful local JCS IAM endpoint on SimServer: signature v2 checked as the server checks it, JCS's
 * actions, formats, status codes and limits, and an account whose state tests seed and read. Strict by
 * default: it answers in the shapes of the server source (docs/providers/jcs.md, "Exact shapes");
 * `build` plays the [guess]es.
 */
import { randomUUID } from 'node:crypto';
import { SimServer, json, type SimRequest, type SimResponse } from '../shared/sim-server.ts';
import { actions } from './actions.ts';
import { authenticate } from './auth.ts';
import { DEFAULT_BUILD, type JcsBuild } from './builds.ts';
import { FORBIDDEN, JcsSimError } from './errors.ts';
import { JcsState, hexId } from './state.ts';

export { JCS_BUILDS, type JcsBuild } from './builds.ts';
export { JcsSimError, JcsState, LIMITS, type SimGroup, type SimKey, type SimMfaDevice, type SimUser } from './state.ts';

export interface JcsSimulatorOptions {
  /** The server's clock in epoch ms (default: the real one), so tests can make a timestamp stale. */
  now?: () => number;
  /** The account's root credential; random when absent. */
  accessKey?: string;
  secretKey?: string;
  port?: number;
  /** Which of the [guess]ed behaviours (docs/providers/jcs.md) to play; the server source's by default. */
  build?: Partial<JcsBuild>;
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
  const build: JcsBuild = { ...DEFAULT_BUILD, ...options.build };
  const handlers = actions(state, build);

  const secretOf = (accessKey: string) =>
    accessKey === credentials.accessKey ? credentials.secretKey : state.keyByAccess(accessKey)?.secret;

  const handle = (request: SimRequest): SimResponse => {
    // docs/providers/jcs.md, "What the simulator plays": GET, and a POST with the same query string is accepted too.
    if (request.method !== 'GET' && request.method !== 'POST')
      throw new JcsSimError(405, 'Only GET and POST are supported');
    if (request.path !== '/') throw new JcsSimError(404, `No resource at ${request.path}`);
    const params = Object.fromEntries(request.query);
    const accessKey = authenticate(request, params, secretOf, now());
    const action = params.Action;
    // Own keys only: `Action=toString` is an unknown action, not Object.prototype.toString.
    const handler = action !== undefined && Object.hasOwn(handlers, action) ? handlers[action] : undefined;
    // docs/providers/jcs.md, "What the simulator plays": an unknown Action is a 400 whose title is `Not Found`.
    if (!handler) throw new JcsSimError(400, `Could not find action: ${action ?? ''}`, 'Not Found');
    if (state.isDenied(action ?? '')) throw new JcsSimError(403, FORBIDDEN);
    const owner = state.keyByAccess(accessKey);
    return handler(params, owner && state.userById(owner.userId));
  };

  const server = await SimServer.start(
    (request) => {
      try {
        return withRequestId(handle(request));
      } catch (error) {
        if (error instanceof JcsSimError) return withRequestId(errorResponse(error.status, error.message, error.title));
        throw error;
      }
    },
    {
      faultResponse: (status) => withRequestId(errorResponse(status, TITLES[status] ?? `HTTP ${status}`)),
      ...(options.port !== undefined && { port: options.port }),
    },
  );
  /** See JcsBuild.requestIds. */
  function withRequestId(response: SimResponse): SimResponse {
    if (!build.requestIds) return response;
    return { ...response, headers: { ...response.headers, 'x-openstack-request-id': `req-${randomUUID()}` } };
  }
  return { url: server.url, server, credentials, state, close: () => server.close() };
}

/** JCS's error body: `{"error":{"code","title","message"}}`. */
function errorResponse(status: number, message: string, title = TITLES[status] ?? `HTTP ${status}`): SimResponse {
  return json(status, { error: { code: status, title, message } });
}
