/**
 * The layering rules of eslint.config.js refuse what they say they refuse: each snippet below, linted as if it
 * were the named file, breaks one rule (or keeps to it). `npm test` lints every file, so a change that breaks a
 * rule fails there.
 */
import { describe, expect, it } from 'vitest';
import { importRefusals as refusals } from '../support/import-refusals.ts';

describe('layering (eslint no-restricted-imports per folder)', () => {
  it.each([
    ['src/domain/request.ts', "import { x } from '../store/port.ts';", 'domain/ is pure'],
    ['src/domain/request.ts', "import type { x } from '../workflow/ports.ts';", 'domain/ is pure'],
    ['src/domain/request.ts', "import { x } from 'node:fs';", 'domain/ is pure: no Node built-in'],
    ['src/domain/request.ts', "import { x } from 'pino';", 'domain/ is pure: no Node built-in or package'],
    ['src/shared/tasks.ts', "import { x } from '../domain/ids.ts';", 'shared/ is importable by every layer'],
    ['src/workflow/service.ts', "import { x } from '../slack/notifier.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../providers/jcs/index.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../providers/registry.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../store/lowdb-store.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../simulators/jcs/index.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../sandbox/server.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "export { x } from '../cli/start.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../ops/metrics.ts';", 'workflow/ owns the ports'],
    ['src/workflow/service.ts', "import { x } from '../config/load-policy.ts';", 'workflow/ owns the ports'],
    ['src/providers/jcs/keys.ts', "import { x } from '../scaleway/wire.ts';", 'never imports another provider'],
    ['src/providers/http/errors.ts', "import type { x } from '../jcs/keys.ts';", 'never imports another provider'],
    ['src/providers/jcs/keys.ts', "import { x } from '../../slack/client.ts';", 'providers/ are adapters'],
    ['src/providers/jcs/keys.ts', "import { x } from '../../store/port.ts';", 'providers/ are adapters'],
    ['src/providers/registry.ts', "import { x } from '../sandbox/provider-calls.ts';", 'providers/ are adapters'],
    ['src/store/lowdb-store.ts', "import { x } from '../slack/notifier.ts';", 'store/ is an adapter'],
    ['src/store/postgres/postgres-store.ts', "import { x } from '../../providers/port.ts';", 'store/ is an adapter'],
    ['src/slack/views/format.ts', "import { x } from '../../providers/port.ts';", 'slack/ is an adapter'],
    ['src/slack/notifier.ts', "import { x } from '../store/lowdb-store.ts';", 'slack/ is an adapter'],
    ['src/files/jsonl-file.ts', "import { x } from '../store/lock.ts';", 'files/ is the file primitives'],
    ['src/workflow/executor.ts', "import { x } from '../providers/http/backoff.ts';", 'workflow/ owns the ports'],
    ['src/simulators/jcs/auth.ts', "import { x } from '../../domain/ids.ts';", 'must not import the code it tests'],
  ])('%s refuses %s', async (path, code, message) => {
    expect(await refusals(path, code)).toEqual([expect.stringContaining(message)]);
  });

  it.each([
    ['src/domain/request.ts', "import { x } from './ids.ts';"],
    ['src/domain/request.ts', "import { x } from '../shared/serial.ts';"],
    ['src/domain/request.ts', "import { z } from 'zod';"],
    ['src/workflow/service.ts', "import { x } from '../domain/request.ts';"],
    ['src/workflow/service.ts', "import { x } from '../shared/tasks.ts';"],
    ['src/providers/registry.ts', "import { x } from './jcs/index.ts';"],
    ['src/providers/jcs/keys.ts', "import { x } from './wire-client.ts';"],
    ['src/providers/jcs/keys.ts', "import { x } from '../http/errors.ts';"],
    ['src/providers/jcs/keys.ts', "import { x } from '../port.ts';"],
    ['src/providers/jcs/keys.ts', "import { x } from '../../workflow/ports.ts';"],
    ['src/store/postgres/postgres-store.ts', "import { x } from '../../workflow/ports.ts';"],
    ['src/store/lowdb-store.ts', "import { x } from '../audit/chain.ts';"],
    ['src/slack/views/format.ts', "import { x } from '../../workflow/ports.ts';"],
    ['src/files/jsonl-file.ts', "import { x } from '../shared/errors.ts';"],
    ['src/cli/start.ts', "import { x } from '../providers/jcs/index.ts';"],
  ])('%s may %s', async (path, code) => {
    expect(await refusals(path, code)).toEqual([]);
  });
});
