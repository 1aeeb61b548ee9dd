/// <reference lib="dom" />
/**
 * Slack mrkdwn, minimally: *bold*, _italic_, ~strike~, `code`, ```blocks```, <links|text>, <@U…> mentions
 * as names, <!date^…|fallback>. Everything is HTML-escaped first, so the result is safe as innerHTML.
 */
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const unescapeSlack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

export function mrkdwnToHtml(text: string, names: Record<string, string>): string {
  return text
    .split(/```/)
    .map((part, i) => (i % 2 === 1 ? `<pre>${escapeHtml(unescapeSlack(part))}</pre>` : inline(part, names)))
    .join('');
}

function inline(text: string, names: Record<string, string>): string {
  return text
    .split(/(<[^<>]+>)/)
    .map((part) => (part.startsWith('<') && part.endsWith('>') ? special(part.slice(1, -1), names) : styled(escapeHtml(unescapeSlack(part)))))
    .join('');
}

function special(inner: string, names: Record<string, string>): string {
  const [target = '', label] = inner.split('|', 2);
  if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(names[target.slice(1)] ?? label ?? target.slice(1))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label ?? target.slice(1))}</span>`;
  if (target.startsWith('!')) return escapeHtml(unescapeSlack(label ?? target.slice(1)));
  if (/^https?:\/\//.test(target)) return `<a href="${escapeHtml(target)}" target="_blank" rel="noreferrer">${escapeHtml(unescapeSlack(label ?? target))}</a>`;
  return escapeHtml(unescapeSlack(`<${inner}>`));
}

function styled(html: string): string {
  return html
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<s>$2</s>')
    .replace(/\n/g, '<br>');
}
