/**
 * What operators probe: `/healthz` (the process answers), `/readyz` (it can do its job: the data directory
 * is writable, Slack accepts the token, it is not draining) and `/metrics` (Prometheus). Served next to
 * `/slack/events` in HTTP mode, and on PORT in Socket Mode when PORT is set. Route only `/slack/events`
 * from the internet; these are for the cluster.
 */
import type { CustomRoute } from '@slack/bolt';
import { platformError } from '../slack/errors.ts';
import type { BotMetrics } from './metrics.ts';

/** One readiness condition: undefined when it holds, else what is wrong, in a few words. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<string | undefined>;
}

export interface OpsRoutesOptions {
  metrics: BotMetrics;
  checks: readonly ReadinessCheck[];
  draining(): boolean;
}

export function opsRoutes(options: OpsRoutesOptions): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        void readiness(options).then((report) => {
          res.writeHead(report.ready ? 200 : 503, { 'content-type': 'application/json' });
          res.end(`${JSON.stringify(report)}\n`);
        });
      },
    },
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        options.metrics.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': options.metrics.registry.contentType });
            res.end(text);
          },
          () => {
            res.writeHead(500, { 'content-type': 'text/plain' });
            res.end('metrics could not be collected\n');
          },
        );
      },
    },
  ];
}

async function readiness(options: OpsRoutesOptions): Promise<{ ready: boolean; checks: Record<string, string> }> {
  const checks: Record<string, string> = {};
  if (options.draining()) checks.draining = 'stopping: finishing the steps in flight';
  const results = await Promise.all(
    options.checks.map(async (c) => [c.name, await c.check().catch(() => 'check failed')] as const),
  );
  for (const [name, problem] of results) checks[name] = problem ?? 'ok';
  return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
}

/**
 * A check whose answer is reused for `ttlMs` (probes come every few seconds; Slack's auth.test need not) and
 * which gives up after `timeoutMs`, so a hanging dependency makes the bot not ready instead of hanging the probe.
 */
export function cachedCheck(
  name: string,
  check: () => Promise<string | undefined>,
  options: { ttlMs: number; timeoutMs: number; now: () => number },
): ReadinessCheck {
  let last: { at: number; result: string | undefined } | undefined;
  return {
    name,
    async check() {
      if (last && options.now() - last.at < options.ttlMs) return last.result;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<string>(
        (resolve) => (timer = setTimeout(() => resolve(`no answer within ${options.timeoutMs} ms`), options.timeoutMs)),
      );
      const result = await Promise.race([check().catch((error: unknown) => describe(error)), timeout]);
      clearTimeout(timer);
      last = { at: options.now(), result };
      return result;
    },
  };
}

/** Slack's `error` string, else the error's own code (`ECONNREFUSED`, the Slack client's request error…). */
function describe(error: unknown): string {
  const code = platformError(error) ?? (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'failed';
}
