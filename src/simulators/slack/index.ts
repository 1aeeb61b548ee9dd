/** The Slack simulator's public surface. */
export {
  startSlackSimulator,
  SlackSimulator,
  type ClientOptions,
  type ClientTarget,
  type SlackSimulatorOptions,
} from './simulator.ts';
export type {
  BlockActionInput,
  BlockSuggestionInput,
  BlockSuggestionResult,
  ClickButtonInput,
  CloseViewResult,
  InteractionResult,
  MessageRef,
  SlackAppClient,
  SlashCommandInput,
  SubmissionOutcome,
  SubmitViewInput,
  SubmitViewResult,
  SurfaceRef,
} from './app-client.ts';
export { LIMITS, type Problem } from './block-kit.ts';
export type { Clock } from './clock.ts';
export type { Delivery, SlackIdentity } from './context.ts';
export type { SimChannel, SimUser, UserSeed } from './directory.ts';
export type { FaultScope, NetworkConditions, SlackFault } from './faults.ts';
export type { EphemeralMessage, MessageVersion, StoredMessage } from './messages.ts';
export type { RateLimitOptions } from './rate-limits.ts';
export {
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
  type ResponseOutcome,
  type ResponsePost,
} from './response-urls.ts';
export { slackSignature } from './signing.ts';
export {
  MAX_SOCKET_CONNECTIONS,
  type DisconnectReason,
  type SocketConnection,
  type SocketModeServer,
} from './socket-mode.ts';
export type { AppResponse, DeliveryOptions } from './transport.ts';
export { TRIGGER_LIFETIME_MS } from './triggers.ts';
export type { InputValue } from './view-state.ts';
export { MAX_MODAL_STACK, type OpenView } from './views.ts';
export type { RecordedCall } from './web-api/web-api.ts';
export type { Workspace } from './workspace.ts';
