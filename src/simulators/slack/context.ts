/** What the Web API methods and the app client share: identity, time, ids and state. */
import type { Clock } from './clock.ts';
import type { IdFactory } from './ids.ts';
import type { TriggerRegistry } from './triggers.ts';
import type { Workspace } from './workspace.ts';

/** The workspace and the app installed in it, as Slack names them in payloads. */
export interface SlackIdentity {
  teamId: string;
  teamDomain: string;
  teamName: string;
  appId: string;
  botUserId: string;
  botId: string;
  botName: string;
  /** The legacy verification token Slack still puts in payloads. */
  verificationToken: string;
}

/** One request Slack sent the app: its kind, and when it left and was acknowledged (performance.now() ms). */
export interface Delivery {
  type: string;
  sentMs: number;
  /** Absent when the app never acknowledged it in time. */
  ackedMs?: number;
}

export interface SimContext {
  identity: SlackIdentity;
  clock: Clock;
  ids: IdFactory;
  workspace: Workspace;
  triggers: TriggerRegistry;
  deliveries: Delivery[];
  /** The simulator's base URL (http://127.0.0.1:port); response_urls live under it. */
  baseUrl: string;
  /** A fresh one-use Socket Mode URL (apps.connections.open). */
  socketModeUrl(): string;
}
