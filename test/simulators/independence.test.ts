/**
 * The simulators are independent of the code they test: the lint rule refuses an import of src/providers,
 * src/slack or src/workflow from any file under src/simulators, at any depth (`npm test` lints every
 * file, so none has such an import).
 */
import { describe, expect, it } from 'vitest';
import { importRefusals as refusals } from '../support/import-refusals.ts';

describe('simulator independence (eslint no-restricted-imports)', () => {
  it('refuses imports of the code under test, whatever the depth of the simulator file', async () => {
    const forbidden: [string, string][] = [
      ['src/simulators/jcs/auth.ts', "import { x } from '../../providers/jcs/signing.ts';"],
      ['src/simulators/cloudflare/state.ts', "import type { x } from '../../providers/cloudflare/schemas.ts';"],
      ['src/simulators/outscale/actions.ts', "import { x } from '../../workflow/service.ts';"],
      ['src/simulators/scaleway/api.ts', "export { x } from '../../slack/views/request-modal.ts';"],
      ['src/simulators/slack/web-api/methods/chat.ts', "import { x } from '../../../../slack/notifier.ts';"],
      ['src/simulators/slack/web-api/errors.ts', "import { x } from '../../../providers';"],
      ['src/simulators/shared/sim-server.ts', "import { x } from '../../../src/workflow/ports.ts';"],
    ];
    for (const [path, code] of forbidden) {
      expect({ path, refused: await refusals(path, code) }).toEqual({
        path,
        refused: [expect.stringContaining('must not import the code it tests')],
      });
    }
  });

  it('allows a simulator its own modules, including the Slack simulator’s', async () => {
    const allowed: [string, string][] = [
      ['src/simulators/jcs/auth.ts', "import { x } from '../shared/sim-server.ts';"],
      ['src/simulators/slack/web-api/methods/views.ts', "import { x } from '../../block-kit.ts';"],
      ['src/simulators/slack/web-api/web-api.ts', "import { x } from '../json.ts';"],
      ['src/simulators/shared/sim-server.ts', "import { x } from '../slack/json.ts';"],
    ];
    for (const [path, code] of allowed)
      expect({ path, refused: await refusals(path, code) }).toEqual({ path, refused: [] });
  });
});
