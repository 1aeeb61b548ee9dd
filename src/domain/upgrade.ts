/**
 * Requests written by an earlier release, brought to the current shape when they are read back. Each
 * step says which release's data it upgrades; a request already current passes unchanged.
 */
import { DEFAULT_CONFIRM_WITHIN_MS, type Request } from './request.ts';

export function upgradeRequest(request: Request): Request {
  const s = request.status;
  // Before the confirmation deadline existed, a rotation waited for its owner without end: it gets the
  // default window, counted from when it started waiting.
  if (s.state === 'executing' && s.rotation?.step === 'confirm' && typeof s.rotation.confirmBy !== 'number') {
    return { ...request, status: { ...s, rotation: { ...s.rotation, confirmBy: s.at + DEFAULT_CONFIRM_WITHIN_MS } } };
  }
  return request;
}
