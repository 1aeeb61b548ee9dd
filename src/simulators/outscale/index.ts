/**
 * A local Outscale EIM: the AWS IAM-compatible query API (`POST /`, form-encoded `Action=…&Version=2010-05-08`)
 * behind a real SigV4 check, answering in AWS XML. Tests seed and inspect the account through `state`,
 * and inject faults through `server` (an injected 400 or 429 answers as throttling, 503 as ServiceUnavailable).
 */
import { randomBytes } from 'node:crypto';
import { SimServer, type SimRequest, type SimResponse } from '../shared/sim-server.ts';
import { ACTIONS, runAction, STRICT_LISTS, type ListBehaviour } from './actions.ts';
import { EimFault, type EimErrorCode } from './fault.ts';
import { renderError, renderResult } from './render.ts';
import { verifySigV4 } from './sigv4.ts';
import { DEFAULT_LIMITS, EimState, type Credentials, type EimLimits } from './state.ts';

export type { ListBehaviour } from './actions.ts';
export { EimState, type Credentials, type EimLimits, type SimGroup, type SimKey, type SimUser } from './state.ts';

const EIM_VERSION = '2010-05-08';

export interface OutscaleSimulatorOptions {
  region?: string;
  /** Accepted SigV4 service names: Outscale's tools sign `eim`, the AWS CLI and SDKs sign `iam`. */
  services?: readonly string[];
  /** The clock the 5-minute signature window is checked against. */
  now?: () => number;
  limits?: Partial<EimLimits>;
  /** What an injected 400/429 is called: AWS says `Throttling`, Outscale's other APIs `RequestLimitExceeded`. */
  throttleCode?: 'Throttling' | 'RequestLimitExceeded';
  /** Undocumented parameters and paging of the lists that document none ([guess]: see actions.ts). */
  lists?: Partial<ListBehaviour>;
  port?: number;
}

export interface OutscaleSimulator {
  url: string;
  server: SimServer;
  region: string;
  /** The account's root credentials: every action allowed. */
  credentials: Credentials;
  state: EimState;
  close(): Promise<void>;
}

export async function startOutscaleSimulator(options: OutscaleSimulatorOptions = {}): Promise<OutscaleSimulator> {
  const region = options.region ?? 'eu-west-2';
  const services = new Set(options.services ?? ['eim', 'iam']);
  const now = options.now ?? Date.now;
  const credentials: Credentials = {
    accessKeyId: randomBytes(10).toString('hex').toUpperCase(),
    secretAccessKey: randomBytes(30).toString('base64url'),
  };
  const state = new EimState('123456789012', credentials, { ...DEFAULT_LIMITS, ...options.limits }, now);
  const throttleCode = options.throttleCode ?? 'Throttling';
  const behaviour: ListBehaviour = { ...STRICT_LISTS, ...options.lists };

  const handle = (request: SimRequest): SimResponse => {
    try {
      const accessKeyId = verifySigV4(request, { region, services, now, secretOf: (id) => state.caller(id)?.secret });
      const caller = state.caller(accessKeyId)?.caller;
      if (!caller) throw new EimFault('InvalidClientTokenId', 'The security token included in the request is invalid.');
      const params = parameters(request);
      const name = params.get('Action');
      if (!name) throw new EimFault('MissingAction', 'Missing Action');
      // Own keys only: `Action=constructor` must not reach Object's.
      const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined;
      const version = params.get('Version');
      if (!action || version !== EIM_VERSION)
        throw new EimFault(
          'InvalidAction',
          `Could not find operation ${name} for version ${version ?? 'NO_VERSION_SPECIFIED'}`,
        );
      if (!caller.may(name))
        throw new EimFault('AccessDenied', `User: ${caller.arn} is not authorized to perform: iam:${name}`);
      return renderResult(name, runAction(name, action, { state, caller, params, behaviour }));
    } catch (error) {
      return renderError(
        error instanceof EimFault ? error : new EimFault('InternalFailure', 'An internal error occurred.'),
      );
    }
  };

  const server = await SimServer.start(handle, {
    faultResponse: (status) => renderError(injected(status, throttleCode)),
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  return { url: server.url, server, region, credentials, state, close: () => server.close() };
}

/** Query-protocol parameters: the query string, plus a form-encoded body. */
function parameters(request: SimRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  const type = request.headers['content-type'];
  if (typeof type === 'string' && type.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(request.body)) params.append(key, value);
  }
  return params;
}

const INJECTED: Readonly<Record<number, readonly [EimErrorCode, string]>> = {
  401: ['AuthFailure', 'AWS was not able to validate the provided access credentials'],
  403: ['AccessDenied', 'User is not authorized to perform this action'],
  404: ['NoSuchEntity', 'The entity cannot be found.'],
  500: ['InternalFailure', 'An internal error occurred.'],
};

/** An injected error status as the service would word it. */
function injected(status: number, throttleCode: 'Throttling' | 'RequestLimitExceeded'): EimFault {
  if (status === 400 || status === 429)
    return new EimFault(
      throttleCode,
      throttleCode === 'Throttling' ? 'Rate exceeded' : 'Request limit exceeded.',
      status,
    );
  const known = INJECTED[status];
  if (known) return new EimFault(known[0], known[1], status);
  if (status >= 500)
    return new EimFault('ServiceUnavailable', 'Service is unavailable. Please try again later.', status);
  return new EimFault('ValidationError', `HTTP ${status}`, status);
}
