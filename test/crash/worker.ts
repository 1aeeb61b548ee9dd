/**
 * One life of the crash test's bot process: opens the data directory with the real store, audit log and
 * provider adapters, and drives the plan forward from whatever state it finds — as the people involved
 * would: submitting, approving, revealing and confirming rotated keys, and (as an admin) retrying what
 * failed. It can be killed at any instant. Prints `ready` once open and `done` when every request is final.
 *   node --import tsx test/crash/worker.ts <dataDir> <policyFile> <planFile>
 */
import { readFile } from 'node:fs/promises';
import { webApi } from '@slack/bolt';
import { openServices, type Services } from '../../src/app.ts';
import { parsePolicy } from '../../src/config/load-policy.ts';
import { WorkflowFailure } from '../../src/domain/errors.ts';
import type { Request } from '../../src/domain/request.ts';
import { createLogger } from '../../src/log.ts';
import { createProviders } from '../../src/providers/registry.ts';
import { StoreOpenError } from '../../src/shared/store-open-error.ts';
import { apiBase } from '../../src/slack/client.ts';
import { SlackNotifier } from '../../src/slack/notifier.ts';
import { openStore } from '../../src/store/open-store.ts';
import { PEOPLE, PLATFORM_GROUP } from '../../src/sandbox/world.ts';
import type { Directory } from '../../src/workflow/ports.ts';
import { marker } from './outcome.ts';
import { LEADS, MANAGERS, type PlanItem } from './plan.ts';

const [dataDir = '', policyFile = '', planFile = ''] = process.argv.slice(2);
const config = parsePolicy(await readFile(policyFile, 'utf8'), policyFile, process.env);
const plan = JSON.parse(await readFile(planFile, 'utf8')) as PlanItem[];
const log = createLogger({ level: process.env.CRASH_LOG_LEVEL ?? 'silent' });

const directory: Directory = {
  managerOf: async (user) => MANAGERS[user],
  emailOf: async (user) => Object.values(PEOPLE).find((p) => p.id === user)?.email,
  standingOf: async () => 'member',
  usergroupMembers: async (group) => (group === PLATFORM_GROUP ? LEADS : []),
};
// Notices go to the Slack simulator the parent runs, through the bot's own notifier and message records:
// a kill between a post and its record must not post the same reply twice (issue 11 item 15).
const slack = new webApi.WebClient(process.env.SLACK_BOT_TOKEN, {
  slackApiUrl: apiBase(process.env.SLACK_API_URL ?? ''),
  retryConfig: { retries: 10, factor: 1.2, minTimeout: 50, maxTimeout: 500 },
});
const store = await openStore({ dataDir, log });
const notifier = new SlackNotifier(slack, config.policy, store.messages, log, (eventId) =>
  store.auditLog.entryOf(eventId),
);

const services: Services = await openServices({
  policy: config.policy,
  dataDir,
  store,
  providers: createProviders(config.providers, { log, sleep: async () => undefined }),
  notifier,
  directory,
  log,
}).catch((error: unknown) => {
  // A life started on a full disk: the store refuses to open, saying why; the parent checks the words.
  if (error instanceof StoreOpenError && error.code === 'storage') {
    process.stderr.write(`${error.message}\n`);
    process.exit(3);
  }
  throw error;
});
process.stdout.write('ready\n');

const byMarker = new Map<string, Request>();
for (const request of await services.store.list()) byMarker.set(request.reason, request);

const FINAL = new Set(['completed', 'denied', 'cancelled', 'expired', 'revoked']);

for (;;) {
  let open = 0;
  const lanes = new Map<string, PlanItem>();
  for (const item of plan) {
    const request = byMarker.get(marker(item));
    if (request && FINAL.has(request.status.state)) continue;
    if (!lanes.has(item.lane)) lanes.set(item.lane, item);
  }
  for (const item of lanes.values()) {
    open++;
    const known = byMarker.get(marker(item));
    const current = known ? await services.store.get(known.id) : undefined;
    const next = await act(services, item, current);
    if (next) byMarker.set(marker(item), next);
  }
  if (open === 0 && (await services.store.pendingNotices()).length === 0) break;
  if (open === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await services.executor.settle();
  await services.dispatcher.settle();
}
await services.executor.settle();
await services.close();
process.stdout.write('done\n');

/** One step of one request, as whoever must act on it now. */
async function act(s: Services, item: PlanItem, request: Request | undefined): Promise<Request | undefined> {
  try {
    if (!request) {
      return await s.service.submit({
        requester: item.requester,
        itemId: item.itemId,
        reason: marker(item),
        ...(item.duration ? { duration: item.duration } : {}),
      });
    }
    const st = request.status;
    switch (st.state) {
      case 'pending': {
        const stage = request.stages[st.stage];
        // Nobody approves two stages of one request, nor twice in one stage.
        const done = request.approvals.map((a) => a.by);
        const candidates = stage?.set === 'managers' ? [MANAGERS[request.requester] ?? ''] : LEADS;
        const approver = candidates.find((c) => c !== request.requester && !done.includes(c));
        return approver
          ? await s.service.approve(
              approver,
              request.id,
              st.stage,
              request.operation.kind === 'mfa.reset' ? 'verified by a call' : undefined,
            )
          : request;
      }
      case 'executing':
        if (st.rotation?.step === 'reveal')
          await s.service.revealSecret(request.requester, request.id, async () => true);
        if (st.rotation?.step === 'reveal' || st.rotation?.step === 'confirm') {
          const confirmed = await s.service.confirmRotation(request.requester, request.id);
          // The retire step is recorded and the old keys are being retired: the parent may kill right now.
          process.stdout.write('retire\n');
          return confirmed;
        }
        return request;
      case 'failed':
        return await s.service.retry(PEOPLE.erin.id, request.id);
      default:
        return (await s.store.get(request.id)) ?? request;
    }
  } catch (error) {
    // Someone else (the executor, a lost race) moved the request on; the next pass sees where it is.
    if (error instanceof WorkflowFailure) return (await s.store.get(request?.id ?? '')) ?? request;
    // The disk is full: the person's click was refused and changed nothing; they try again later.
    if (isNoSpace(error)) {
      process.stdout.write('nospace\n');
      await new Promise((resolve) => setTimeout(resolve, 50));
      return request;
    }
    throw error;
  }
}

function isNoSpace(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause)
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return true;
  return false;
}
