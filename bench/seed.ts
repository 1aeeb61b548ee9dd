/**
 * Data directories with history, written as the embedded store would have left them: closed requests in
 * the archive, open ones in the live document. Each request is one template with its id, number and
 * requester changed, so a million are written in seconds.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from '../src/domain/request.ts';
import { emptyDocument } from '../src/store/state-document.ts';
import { denied, makeRequest } from '../test/support/fixtures.ts';

/** Request number `n` made from `template`, its requester one of 500. */
export function seeded(template: Request, n: number): Request {
  return { ...template, id: `id-${n}`, number: n, ref: `REQ-${String(n).padStart(4, '0')}`, requester: `U${n % 500}` };
}

/** `count` denied requests, numbers 1 to `count`, in `archive.jsonl`. */
export async function seedClosedRequests(dataDir: string, count: number): Promise<void> {
  const archive = createWriteStream(join(dataDir, 'archive.jsonl'), { mode: 0o600 });
  const closed = denied(makeRequest(1));
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) {
    lines.push(JSON.stringify(seeded(closed, n)));
    if (lines.length === 10_000 || n === count) {
      if (!archive.write(`${lines.join('\n')}\n`)) await once(archive, 'drain');
      lines.length = 0;
    }
  }
  archive.end();
  await once(archive, 'finish');
}

/** `count` pending requests after number `after`, in `state.json`. */
export async function seedOpenRequests(dataDir: string, after: number, count: number): Promise<void> {
  const pending = makeRequest(1);
  const open: Request[] = [];
  for (let n = after + 1; n <= after + count; n++) open.push(seeded(pending, n));
  const doc = { ...emptyDocument(), nextNumber: after + count + 1, open };
  await writeFile(join(dataDir, 'state.json'), JSON.stringify(doc), { mode: 0o600 });
}
