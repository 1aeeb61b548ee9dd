/// <reference lib="dom" />
/**
 * Slack mrkdwn, as Slack's client shows it: *bold*, _italic_, ~strike~, `code`, ```blocks```, > quotes,
 * <links|text>, <@U…> mentions as names, :emoji: and <!date^…> tokens in the viewer's time. Everything
 * is HTML-escaped first, so the result is safe as innerHTML.
 */
import { emojify } from './emoji.ts';
import { formatSlackDate } from './slack-date.ts';

export interface TextContext {
  /** Slack user id → display name, for mentions. */
  names: Record<string, string>;
  /** The sandbox's time, for "today" and "ago" in date tokens. */
  now: number;
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeSlack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function mrkdwnToHtml(text: string, ctx: TextContext): string {
  return text
    .split(/```/)
    .map((part, i) => (i % 2 === 1 ? `<pre>${escapeHtml(unescapeSlack(part))}</pre>` : quoted(part, ctx)))
    .join('');
}

/** Lines that start with `>` (sent as `&gt;`, or raw) are a quote. */
function quoted(text: string, ctx: TextContext): string {
  return text
    .split('\n')
    .map((line) => {
      const quote = /^(?:&gt;|>)\s?(.*)$/.exec(line);
      return quote ? `<span class="quote">${inline(quote[1] ?? '', ctx)}</span>` : inline(line, ctx);
    })
    .join('<br>');
}

function inline(text: string, ctx: TextContext): string {
  return text
    .split(/(<[^<>]+>)/)
    .map((part) =>
      part.startsWith('<') && part.endsWith('>')
        ? special(part.slice(1, -1), ctx)
        : styled(escapeHtml(unescapeSlack(part))),
    )
    .join('');
}

function special(inner: string, ctx: TextContext): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@'))
    return `<span class="mention">@${escapeHtml(ctx.names[target.slice(1)] ?? label ?? target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('!date^')) return date(target, label, ctx);
  if (target.startsWith('!')) return escapeHtml(unescapeSlack(label ?? target.slice(1)));
  if (/^https?:\/\//.test(target))
    return `<a href="${escapeHtml(target)}" target="_blank" rel="noreferrer">${escapeHtml(unescapeSlack(label ?? target))}</a>`;
  return escapeHtml(unescapeSlack(`<${inner}>`));
}

/** `!date^SECONDS^FORMAT[^LINK]`: the formatted date, or the fallback when the token is malformed (as Slack does). */
function date(target: string, fallback: string | undefined, ctx: TextContext): string {
  const [, seconds = '', format = '', link] = target.split('^');
  if (!/^\d+$/.test(seconds) || format === '') return escapeHtml(unescapeSlack(fallback ?? target));
  const text = `<time class="date" datetime="${new Date(Number(seconds) * 1000).toISOString()}">${escapeHtml(formatSlackDate(Number(seconds), unescapeSlack(format), ctx.now))}</time>`;
  return link && /^https?:\/\//.test(link)
    ? `<a href="${escapeHtml(link)}" target="_blank" rel="noreferrer">${text}</a>`
    : text;
}

/** Inline code first: inside it, nothing else is formatted (no emoji, no bold), as in Slack. */
function styled(html: string): string {
  return html
    .split(/(`[^`\n]+`)/)
    .map((part) =>
      part.length > 2 && part.startsWith('`') && part.endsWith('`')
        ? `<code>${part.slice(1, -1)}</code>`
        : emojify(part)
            .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>')
            .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>')
            .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<s>$2</s>'),
    )
    .join('');
}
