import { describe, expect, it } from 'vitest';
import { replyMetadata, readReply } from '../../src/slack/audit-metadata.ts';
import { compareThreads, type AuditThread, type LoggedEvent } from '../../src/slack/audit-thread-check.ts';

const hash = (n: number) => String(n).repeat(64).slice(0, 64);
const event = (seq: number, name = 'request.submitted'): LoggedEvent => ({
  seq,
  hash: hash(seq),
  eventId: `e${seq}`,
  requestId: 'r1',
  requestRef: 'REQ-0001',
  event: name,
});
const reply = (e: LoggedEvent, text: string, logged: boolean) => ({
  ts: `1.${e.seq}`,
  text,
  edited: false,
  payload: readReply(replyMetadata(e.eventId, e.event, text, logged ? e : undefined))!,
});
const thread = (...replies: AuditThread['replies']): AuditThread[] => [
  { rootTs: '1.0', requestId: 'r1', requestRef: 'REQ-0001', replies },
];
const always = () => true;

describe('compareThreads', () => {
  it('accepts a reply posted before its entry was written: the event id alone ties it to the log', () => {
    const e = event(1);
    expect(reply(e, 'Submitted.', false).payload).not.toHaveProperty('seq');
    expect(compareThreads([e], thread(reply(e, 'Submitted.', false)), always)).toEqual([]);
  });

  it('reports a text changed under unchanged metadata, and a reply claiming another sequence', () => {
    const a = event(1);
    const b = event(2, 'request.approved');
    const changed = { ...reply(a, 'Submitted.', true), text: 'Submitted by someone else.' };
    const wrongSeq = reply(b, 'Approved.', true);
    wrongSeq.payload.seq = 5;
    const findings = compareThreads([a, b], thread(changed, wrongSeq), always);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/entry #1 .*its text is not the text posted/),
      expect.stringMatching(/entry #2 .*it says #5/),
    ]);
  });

  it('does not ask a reply of an event the caller excuses (recorded undeliverable, still in the outbox)', () => {
    const a = event(1);
    const b = event(2, 'request.approved');
    expect(compareThreads([a, b], thread(reply(a, 'x', true)), (e) => e.seq !== 2)).toEqual([]);
    expect(compareThreads([a, b], thread(reply(a, 'x', true)), always)).toMatchObject([
      { kind: 'missing_reply', seq: 2 },
    ]);
  });
});
