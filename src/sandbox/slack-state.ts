/** What one persona sees in the simulated Slack: channels with threads, their DM with the bot, ephemeral messages, their modal and Home tab. */
import type { SlackSimulator, StoredMessage } from '../simulators/slack/index.ts';

export interface MessageView {
  channel: string;
  ts: string;
  author: string;
  text: string;
  blocks: unknown[];
  edited: boolean;
  replies: MessageView[];
}

export interface ConversationView {
  id: string;
  name: string;
  messages: MessageView[];
}

export interface PersonaState {
  user: string;
  channels: ConversationView[];
  dm: ConversationView;
  ephemeral: MessageView[];
  /** The top of the persona's modal stack, with the errors the bot answered for it. */
  modal: { id: string; view: unknown; errors: Record<string, string> } | null;
  home: { id: string; view: unknown } | null;
  /** Slack user id → display name, for mentions. */
  names: Record<string, string>;
}

export function personaState(
  slack: SlackSimulator,
  user: string,
  channels: readonly string[],
  names: Record<string, string>,
): PersonaState {
  const ws = slack.workspace;
  const authorOf = (id: string) => names[id] ?? (id === slack.identity.botUserId ? slack.identity.botName : id);
  const view = (m: StoredMessage, withReplies: boolean): MessageView => ({
    channel: m.channel,
    ts: m.ts,
    author: authorOf(m.user),
    text: m.text,
    blocks: m.blocks ?? [],
    edited: m.history.length > 0,
    replies: withReplies
      ? ws
          .threadOf(m.channel, m.ts)
          .filter((r) => r.ts !== m.ts)
          .map((r) => view(r, false))
      : [],
  });
  const top = ws.openView(user);
  const home = ws.home(user);
  const dmId = ws.dmChannel(user) ?? '';
  return {
    user,
    channels: channels.map((id) => ({
      id,
      name: ws.directory.channel(id)?.name ?? id,
      messages: ws.messagesIn(id).map((m) => view(m, true)),
    })),
    dm: { id: dmId, name: slack.identity.botName, messages: ws.dmWith(user).map((m) => view(m, true)) },
    ephemeral: ws.ephemeralFor(user).map((m) => ({
      channel: m.channel,
      ts: m.ts,
      author: authorOf(slack.identity.botUserId),
      text: m.text,
      blocks: m.blocks ?? [],
      edited: m.history.length > 0,
      replies: [],
    })),
    modal: top ? { id: String(top.view.id), view: top.view, errors: top.errors ?? {} } : null,
    home: home ? { id: String(home.view.id), view: home.view } : null,
    names,
  };
}
