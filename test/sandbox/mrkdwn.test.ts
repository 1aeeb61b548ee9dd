/** The sandbox page's mrkdwn: emoji, date tokens and quotes as Slack's client shows them. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emojify } from '../../src/sandbox/page/emoji.ts';
import { mrkdwnToHtml } from '../../src/sandbox/page/mrkdwn.ts';
import { formatSlackDate } from '../../src/sandbox/page/slack-date.ts';

// Local time, as the viewer's browser shows it: Wednesday 18 February 2026, 6:39:42 AM.
const at = new Date(2026, 1, 18, 6, 39, 42).getTime();
const seconds = at / 1000;
const ctx = { names: { U0BOB: 'Bob Baker' }, now: at };

describe('date tokens', () => {
  it("render each of Slack's formats in the viewer's time", () => {
    const later = at + 30 * 86_400_000;
    expect(formatSlackDate(seconds, '{date_num}', later)).toBe('2026-02-18');
    expect(formatSlackDate(seconds, '{date}', later)).toBe('February 18th, 2026');
    expect(formatSlackDate(seconds, '{date_short}', later)).toBe('Feb 18, 2026');
    expect(formatSlackDate(seconds, '{date_long}', later)).toBe('Wednesday, February 18th, 2026');
    expect(formatSlackDate(seconds, '{date_short_pretty} at {time}', later)).toBe('Feb 18, 2026 at 6:39 AM');
    expect(formatSlackDate(seconds, '{time_secs}', later)).toBe('6:39:42 AM');
    expect(formatSlackDate(seconds + 12 * 3600, '{time}', later)).toBe('6:39 PM');
  });

  it("say today, yesterday or tomorrow as seen from the sandbox's clock, capitalised first", () => {
    expect(formatSlackDate(seconds, '{date_short_pretty} at {time}', at)).toBe('Today at 6:39 AM');
    expect(formatSlackDate(seconds, '{date_pretty}', at + 86_400_000)).toBe('Yesterday');
    expect(formatSlackDate(seconds, 'until {date_long_pretty}', at - 86_400_000)).toBe('Until tomorrow');
    expect(formatSlackDate(seconds, '{ago}', at + 2 * 3_600_000)).toBe('2 hours ago');
    expect(formatSlackDate(seconds, '{ago}', at - 15 * 60_000)).toBe('In 15 minutes');
  });
});

describe('mrkdwn', () => {
  it('shows a date token formatted, not its fallback', () => {
    const html = mrkdwnToHtml(
      `Granted until <!date^${seconds}^{date_short_pretty} at {time}|18 Feb 2026, 06:39 UTC>.`,
      ctx,
    );
    expect(html).toContain('>Today at 6:39 AM</time>.');
    expect(html).not.toContain('UTC');
  });

  it("falls back to the token's text when it is malformed, as Slack does", () => {
    expect(mrkdwnToHtml('<!date^soon^{time}|whenever>', ctx)).toBe('whenever');
  });

  it("shows Slack's emoji names as emoji, leaves unknown names and code alone", () => {
    expect(mrkdwnToHtml(':white_check_mark: Approved by <@U0BOB>', ctx)).toBe(
      '✅ Approved by <span class="mention">@Bob Baker</span>',
    );
    expect(mrkdwnToHtml(':not_an_emoji: at 12:30:45', ctx)).toBe(':not_an_emoji: at 12:30:45');
    expect(mrkdwnToHtml('run `:key:` *now*', ctx)).toBe('run <code>:key:</code> <b>now</b>');
  });

  it('quotes a line that starts with >, escaped or not, and escapes HTML', () => {
    expect(mrkdwnToHtml('Reason:\n&gt;Ship the <b>hotfix</b>', ctx)).toBe(
      'Reason:<br><span class="quote">Ship the &lt;b&gt;hotfix&lt;/b&gt;</span>',
    );
  });
});

describe('emoji the bot writes', () => {
  it('are all shown as emoji by the page, as Slack shows them (none left as :name:)', async () => {
    const src = join(import.meta.dirname, '../../src');
    const files = (await readdir(src, { recursive: true })).filter(
      // ids.ts's `:stage:` marks a button value, not an emoji.
      (f) => f.endsWith('.ts') && /^(slack|workflow)\//.test(f) && !f.endsWith('views/ids.ts'),
    );
    const names = new Set<string>();
    for (const file of files) {
      // Code, not comments: an emoji name is written inside a string.
      const code = (await readFile(join(src, file), 'utf8'))
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line));
      for (const line of code) for (const [, name] of line.matchAll(/['`"][^'`"]*?:([a-z_]+):/g)) names.add(name!);
    }
    expect(names.size).toBeGreaterThan(10);
    expect([...names].filter((name) => emojify(`:${name}:`) === `:${name}:`)).toEqual([]);
  });
});
