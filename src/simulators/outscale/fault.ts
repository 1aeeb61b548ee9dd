/**
 * The errors the simulated EIM answers, with the HTTP status AWS-compatible query APIs give each code.
 * Every failure, authentication included, leaves the simulator as an `<ErrorResponse>` built from one.
 */

const STATUS = {
  NoSuchEntity: 404,
  EntityAlreadyExists: 409,
  LimitExceeded: 409,
  ValidationError: 400,
  InvalidAction: 400,
  MissingAction: 400,
  IncompleteSignature: 400,
  // AWS query APIs throttle with 400; an injected 429 keeps its own status (see `injected` in index.ts).
  Throttling: 400,
  RequestLimitExceeded: 400,
  MissingAuthenticationToken: 403,
  InvalidClientTokenId: 403,
  SignatureDoesNotMatch: 403,
  AccessDenied: 403,
  AuthFailure: 401,
  InternalFailure: 500,
  ServiceUnavailable: 503,
} as const;

export type EimErrorCode = keyof typeof STATUS;

export class EimFault extends Error {
  readonly status: number;

  constructor(
    readonly code: EimErrorCode,
    message: string,
    status?: number,
  ) {
    super(message);
    this.status = status ?? STATUS[code];
  }

  /** `Sender` for the caller's mistakes, `Receiver` for the service's own failures, as in AWS. */
  get type(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** A "value is required" answer worded like the AWS validation layer. */
export function missingParameter(name: string): EimFault {
  const field = name.charAt(0).toLowerCase() + name.slice(1);
  return new EimFault(
    'ValidationError',
    `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
  );
}
