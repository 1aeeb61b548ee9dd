/**
 * The last line of defence on the way to Slack: every message, ephemeral, modal and Home tab the bot
 * writes is scrubbed of the values of known secrets (see domain/scrub.ts) — except the one modal whose
 * purpose is to show a new key's secret to its owner, once.
 */
import { scrubDeep } from '../domain/scrub.ts';
import type { SlackClient } from './client.ts';
import { VIEW } from './views/ids.ts';

export function scrubSlackWrites(client: SlackClient): void {
  client.chat.postMessage = scrubbing(client.chat.postMessage);
  client.chat.update = scrubbing(client.chat.update);
  client.chat.postEphemeral = scrubbing(client.chat.postEphemeral);
  client.views.update = scrubbing(client.views.update);
  client.views.push = scrubbing(client.views.push);
  client.views.publish = scrubbing(client.views.publish);
  const open = client.views.open;
  client.views.open = (args) => (args.view.callback_id === VIEW.reveal ? open(args) : open(scrubDeep(args)));
}

function scrubbing<A, R>(call: (args: A) => Promise<R>): (args: A) => Promise<R> {
  return (args) => call(scrubDeep(args));
}
