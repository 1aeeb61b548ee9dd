/**
 * One form, one request, across replicas: a person who met Slack's timeout submits the same modal again,
 * and the second submission reaches another replica while the first is still being decided.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openServices, type Services } from '../../src/app.ts';
import { createLogger } from '../../src/log.ts';
import { basePolicy, tempDir } from '../support/fixtures.ts';
import { postgresUnavailable, useTestPostgres } from '../support/postgres.ts';
import { world } from '../support/services.ts';

describe.skipIf(postgresUnavailable())('submissions across replicas', () => {
  const db = useTestPostgres();
  const opened: Services[] = [];
  const dirs: { remove(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const d of dirs.splice(0)) await d.remove();
  });

  it('the same form submitted to two replicas at once, twice each, makes one request, and every submission answers with it', async () => {
    const databaseUrl = await db.server().createDatabase();
    const dir = await tempDir();
    dirs.push(dir);
    const w = world(dir.path);
    const replica = async () => {
      const services = await openServices({
        policy: basePolicy,
        dataDir: dir.path,
        databaseUrl,
        providers: new Map([[w.provider.id, w.provider]]),
        notifier: w.notifier,
        directory: w.directory,
        clock: w.clock,
        log: createLogger({ level: 'silent' }),
      });
      opened.push(services);
      return services;
    };
    const [a, b] = [await replica(), await replica()];
    const form = {
      requester: 'U_ALICE',
      itemId: 'cf-admins',
      reason: 'incident',
      duration: '1h',
      submissionKey: 'V0SAMEFORM',
    };
    const answers = await Promise.all([a, b, a, b].map((s, i) => s.service.submit({ ...form, reason: `r${i}` })));
    expect(new Set(answers.map((r) => r.id)).size).toBe(1);
    expect((await a.store.list()).map((r) => r.ref)).toEqual([answers[0]!.ref]);
  });
});
