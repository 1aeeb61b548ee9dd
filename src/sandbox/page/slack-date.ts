/**
 * Slack's date tokens, `<!date^SECONDS^FORMAT|fallback>`, rendered as Slack's client renders them: in the
 * viewer's time zone, "today", "yesterday" and "tomorrow" where they apply, 12-hour times (Slack's default
 * for English), and the first letter capitalised. Source: api.slack.com/reference/surfaces/formatting
 * (date formatting). `now` is the sandbox's clock, so a fast-forward makes "today" move on too.
 */
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function slackTime(date: Date, seconds = false): string {
  const hours = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return `${hours}:${pad(date.getMinutes())}${seconds ? `:${pad(date.getSeconds())}` : ''} ${date.getHours() < 12 ? 'AM' : 'PM'}`;
}

/** "today", "yesterday" or "tomorrow" when the date is one of those days, seen from `now`. */
function relativeDay(date: Date, now: number): string | undefined {
  const midnight = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((midnight(date) - midnight(new Date(now))) / DAY_MS);
  return ({ [-1]: 'yesterday', 0: 'today', 1: 'tomorrow' } as Record<number, string>)[days];
}

function ago(ms: number, now: number): string {
  const seconds = Math.round((ms - now) / 1000);
  const units: [string, number][] = [
    ['year', 365 * 86_400],
    ['month', 30 * 86_400],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) ?? ['second', 1];
  const n = Math.floor(Math.abs(seconds) / size);
  if (unit === 'second' && n < 45) return seconds >= 0 ? 'in a few seconds' : 'a few seconds ago';
  const amount = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return seconds >= 0 ? `in ${amount}` : `${amount} ago`;
}

export function formatSlackDate(epochSeconds: number, format: string, now: number): string {
  const ms = epochSeconds * 1000;
  const d = new Date(ms);
  const month = MONTHS[d.getMonth()] ?? '';
  const tokens: Record<string, () => string> = {
    date_num: () => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`,
    date: () => `${month} ${ordinal(d.getDate())}, ${d.getFullYear()}`,
    date_short: () => `${month.slice(0, 3)} ${d.getDate()}, ${d.getFullYear()}`,
    date_long: () => `${DAYS[d.getDay()] ?? ''}, ${month} ${ordinal(d.getDate())}, ${d.getFullYear()}`,
    date_pretty: () => relativeDay(d, now) ?? tokens.date?.() ?? '',
    date_short_pretty: () => relativeDay(d, now) ?? tokens.date_short?.() ?? '',
    date_long_pretty: () => relativeDay(d, now) ?? tokens.date_long?.() ?? '',
    time: () => slackTime(d),
    time_secs: () => slackTime(d, true),
    ago: () => ago(ms, now),
  };
  const text = format.replace(/\{([a-z_]+)\}/g, (whole, name: string) => tokens[name]?.() ?? whole);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
