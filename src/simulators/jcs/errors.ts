/** How the simulated JCS server refuses a request: an HTTP status and the message its error body carries. */
export class JcsSimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The body's `title`; by default the status's reason phrase. */
    readonly title?: string,
  ) {
    super(message);
  }
}

/** docs/providers/jcs.md, "Exact shapes": 401 and 403 bodies carry these generic messages, never the reason. */
export const UNAUTHENTICATED = 'The request you have made requires authentication.';
export const FORBIDDEN = 'You are not authorized to perform the requested action.';
