/** A data directory with history: `count` closed requests in the archive, as months of use leave it. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { denied, makeRequest } from '../test/support/fixtures.ts';

export async function seedClosedRequests(dataDir: string, count: number): Promise<void> {
  const lines: string[] = [];
  for (let n = 1; n <= count; n++) lines.push(JSON.stringify(denied(makeRequest(n, { requester: `U${n % 500}` }))));
  await writeFile(join(dataDir, 'archive.jsonl'), lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
}
