/**
 * Whether an auto-approval rule passes a request's first stage: pure, from facts the caller resolved
 * (set membership, uses in the cap's period) and the injected clock's time. The time window is read in
 * the rule's own time zone, so "09:00–18:00 Europe/Paris" means Paris office hours whatever the server's zone.
 */
import { formatDuration } from './duration.ts';
import { WEEKDAYS, type AutoApproveRule, type CatalogItem, type TimeWindow, type Weekday } from './policy.ts';

interface RuleFacts {
  /** Whether the requester is in one of the rule's requester sets (true when it names none). */
  requesterInSets: boolean;
  /** The request's duration once the item's default applied; undefined: access with no end, or not group access. */
  durationMs: number | undefined;
  now: number;
  /** This person's uses of the rule in the cap's period ending now, this request not counted. */
  usesInPeriod: number;
}

type RuleVerdict = { applies: true } | { applies: false; why: string };

export function judgeRule(rule: AutoApproveRule, facts: RuleFacts): RuleVerdict {
  const conditions = judgeConditions(rule, facts);
  if (!conditions.applies) return conditions;
  if (facts.usesInPeriod >= rule.cap.uses)
    return {
      applies: false,
      why: `its cap is reached: ${rule.cap.uses} use${rule.cap.uses === 1 ? '' : 's'} per person per ${formatDuration(rule.cap.perMs)}`,
    };
  return { applies: true };
}

/** The rule's conditions on the request itself (who, how long, when), its cap aside. */
function judgeConditions(rule: AutoApproveRule, facts: Omit<RuleFacts, 'usesInPeriod'>): RuleVerdict {
  if (!facts.requesterInSets)
    return { applies: false, why: `the requester is not in ${rule.requesters?.join(' or ') ?? 'its sets'}` };
  if (rule.maxDurationMs !== undefined) {
    if (facts.durationMs === undefined) return { applies: false, why: 'the access would have no end' };
    if (facts.durationMs > rule.maxDurationMs)
      return {
        applies: false,
        why: `${formatDuration(facts.durationMs)} is longer than its ${formatDuration(rule.maxDurationMs)}`,
      };
  }
  if (rule.window && !inTimeWindow(rule.window, facts.now))
    return { applies: false, why: `it is outside ${describeWindow(rule.window)}` };
  return { applies: true };
}

/** The key its uses are counted under: per item, rule and person. */
export function ruleUseKey(item: CatalogItem, rule: AutoApproveRule, person: string): string {
  return `rule:${item.id}:${rule.name}:${person}`;
}

/** "members of oncall, up to 2h, Mon–Fri 09:00–18:00 (Europe/Paris), 3 uses per person per 1d" */
export function describeRule(rule: AutoApproveRule): string {
  const parts = [rule.requesters ? `members of ${rule.requesters.join(' or ')}` : 'anyone who may request it'];
  if (rule.maxDurationMs !== undefined) parts.push(`up to ${formatDuration(rule.maxDurationMs)}`);
  if (rule.window) parts.push(describeWindow(rule.window));
  parts.push(`${rule.cap.uses} use${rule.cap.uses === 1 ? '' : 's'} per person per ${formatDuration(rule.cap.perMs)}`);
  return parts.join(', ');
}

function describeWindow(window: TimeWindow): string {
  const days =
    window.days.length === WEEKDAYS.length ? 'every day' : window.days.map((d) => d[0]?.toUpperCase() + d.slice(1));
  const hours =
    window.fromMinute === window.toMinute ? 'all day' : `${clock(window.fromMinute)}–${clock(window.toMinute)}`;
  return `${typeof days === 'string' ? days : days.join(', ')} ${hours} (${window.timezone})`;
}

/** Whether `now` falls in the window, read in the window's time zone. */
function inTimeWindow(window: TimeWindow, now: number): boolean {
  const { day, minute } = localTime(window.timezone, now);
  const { fromMinute: from, toMinute: to } = window;
  if (from === to) return window.days.includes(day);
  if (from < to) return window.days.includes(day) && minute >= from && minute < to;
  // Across midnight: the evening of a listed day, or the small hours after one.
  const yesterday = WEEKDAYS[(WEEKDAYS.indexOf(day) + WEEKDAYS.length - 1) % WEEKDAYS.length] as Weekday;
  return (window.days.includes(day) && minute >= from) || (window.days.includes(yesterday) && minute < to);
}

const formats = new Map<string, Intl.DateTimeFormat>();

function localTime(timezone: string, now: number): { day: Weekday; minute: number } {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  const day = (parts.weekday ?? '').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Whether the runtime knows the IANA zone (the policy's check refuses any other). */
export function isKnownTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
