// Vitest global setup: tests that run bin/iam-bot.js (as people and the container do) need a current dist/.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '../../scripts/ensure-built.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
