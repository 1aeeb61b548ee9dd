/**
 * Times each Slack request from the moment the app receives it to its ack, in both HTTP and Socket Mode:
 * the receiver hands every request to `app.processEvent` with the `ack` Bolt's listeners will call.
 */
import type { App } from '@slack/bolt';
import type { BotMetrics, ListenerType } from './metrics.ts';

type ReceiverEvent = Parameters<App['processEvent']>[0];

export function timeAcks(app: App, metrics: BotMetrics, now: () => number = performance.now.bind(performance)): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) => {
    const started = now();
    const ack = event.ack;
    const listener = listenerOf(event.body);
    return processEvent({
      ...event,
      ack: async (response) => {
        metrics.acked(listener, now() - started);
        return ack(response);
      },
    });
  };
}

function listenerOf(body: unknown): ListenerType {
  const b = body as { command?: unknown; type?: unknown } | null;
  if (typeof b?.command === 'string') return 'slash_command';
  switch (b?.type) {
    case 'block_suggestion':
      return 'options_load';
    case 'view_submission':
      return 'view_submission';
    case 'view_closed':
      return 'view_closed';
    case 'block_actions':
      return 'block_action';
    case 'shortcut':
    case 'message_action':
      return 'shortcut';
    case 'event_callback':
      return 'event';
    default:
      return 'other';
  }
}
