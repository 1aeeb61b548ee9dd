/** The real services (lowdb store, hash-chained audit log) over in-memory provider and Slack doubles. */
import { openServices, type Services } from '../../src/app.ts';
import type { Policy } from '../../src/domain/policy.ts';
import { createLogger } from '../../src/log.ts';
import { FakeClock, MemoryDirectory, MemoryProvider, RecordingNotifier } from './doubles.ts';
import { T0, basePolicy } from './fixtures.ts';

export interface World {
  provider: MemoryProvider;
  directory: MemoryDirectory;
  notifier: RecordingNotifier;
  clock: FakeClock;
  open(policy?: Policy): Promise<Services>;
}

export function world(dataDir: string): World {
  const provider = new MemoryProvider('cf');
  provider.addUser('alice@example.com');
  const directory = new MemoryDirectory();
  directory.emails.set('U_ALICE', 'alice@example.com');
  const notifier = new RecordingNotifier();
  const clock = new FakeClock(T0);
  return {
    provider,
    directory,
    notifier,
    clock,
    open: (policy = basePolicy) =>
      openServices({
        policy,
        dataDir,
        providers: new Map([[provider.id, provider]]),
        notifier,
        directory,
        clock,
        log: createLogger({ level: 'silent' }),
      }),
  };
}
