import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type RunningBot } from '../../src/app.ts';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { Secret } from '../../src/domain/secret.ts';
import { PEOPLE, startWorld, type World } from '../../src/sandbox/world.ts';
import { captureLog } from '../support/capture-log.ts';
import { FakeClock } from '../support/doubles.ts';
import { T0, tempDir } from '../support/fixtures.ts';

let world: World | undefined;
let bot: RunningBot | undefined;
let dir: { path: string; remove(): Promise<void> } | undefined;
afterEach(async () => {
  await bot?.stop();
  await world?.close();
  await dir?.remove();
});

describe('due work at start', () => {
  it('revokes a grant that ended while the bot was down at start, not a tick period later', async () => {
    world = await startWorld();
    dir = await tempDir();
    const config = parsePolicy(world.policy, 'sandbox-policy.yml', world.env);
    const clock = new FakeClock(T0);
    const w = world;
    const start = (tickMs: number) =>
      startBot({
        slack: {
          botToken: new Secret(w.slack.botToken),
          apiUrl: w.slack.apiUrl,
          mode: { type: 'http', signingSecret: new Secret('tick-test-secret'), port: 0, host: '127.0.0.1' },
        },
        config,
        dataDir: dir!.path,
        log: captureLog().log,
        clock,
        tickMs,
      });
    bot = await start(0);
    const { service } = bot.services;
    const request = await service.submit({
      requester: PEOPLE.alice.id,
      itemId: 'cf-prod-admins',
      reason: 'incident 4242',
      duration: '1h',
    });
    await service.approve(PEOPLE.bob.id, request.ref);
    await bot.idle();
    expect((await bot.services.store.get(request.id))?.status.state).toBe('completed');
    const member = () => [...w.cloudflare.state.members.values()].find((m) => m.email === PEOPLE.alice.email)?.id;
    expect(w.cloudflare.state.groupMembers(w.ids.cloudflareGroup)).toContain(member());
    await bot.stop();
    bot = undefined;

    clock.advance(2 * 3_600_000); // the grant ended while the bot was down
    bot = await start(3_600_000); // the next periodic tick is an hour away
    await bot.idle();
    expect((await bot.services.store.get(request.id))?.status.state).toBe('revoked');
    expect(w.cloudflare.state.groupMembers(w.ids.cloudflareGroup)).not.toContain(member());
  });
});
