/**
 * The adapter against real Scaleway answers (scaleway-recorded/): every recorded body goes through the
 * zod schema of its endpoint, and the adapter is run against recorded exchanges replayed in order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { Secret } from '../../../src/domain/secret.ts';
import { createLogger } from '../../../src/log.ts';
import { classify } from '../../../src/providers/scaleway/errors.ts';
import { scaleway } from '../../../src/providers/scaleway/index.ts';
import { keyInfo } from '../../../src/providers/scaleway/keys.ts';
import {
  apiKeyPageSchema,
  apiKeySchema,
  applicationSchema,
  createdApiKeySchema,
  errorBodySchema,
  groupPageSchema,
  groupSchema,
  userPageSchema,
  userSchema,
} from '../../../src/providers/scaleway/schemas.ts';
import type { SimServer } from '../../../src/simulators/shared/sim-server.ts';
import { allCassettes, interaction, replay, type Interaction } from './cassettes.ts';

/** The adapter the descriptor builds, with every call it has. */
type Provider = ReturnType<typeof scaleway.create>;

const ORGANIZATION = '105bdce1-64c0-48ab-899d-868455867ecf';
const OWNER = 'ef29ce05-3f2b-4fa0-a259-d76110850d57';

/** The schema the adapter applies to a successful answer of this endpoint; undefined where it reads none. */
function schemaFor(i: Interaction): z.ZodType | undefined {
  const { method, path } = i;
  if (path === '/users') return method === 'GET' ? userPageSchema : userSchema;
  if (/^\/users\/[^/]+(\/update-username)?$/.test(path)) return userSchema;
  if (path === '/groups') return method === 'GET' ? groupPageSchema : groupSchema;
  if (/^\/groups\/[^/]+(\/(add-member|remove-member|members))?$/.test(path)) return groupSchema;
  if (/^\/applications(\/[^/]+)?$/.test(path)) return applicationSchema;
  if (path === '/api-keys') return method === 'GET' ? apiKeyPageSchema : createdApiKeySchema;
  if (/^\/api-keys\/[^/]+$/.test(path)) return apiKeySchema;
  return undefined;
}

describe('recorded Scaleway answers', () => {
  const recorded = allCassettes();

  it('all parse with the schema of their endpoint, errors with the error schema', () => {
    let parsed = 0;
    for (const i of recorded) {
      if (i.status === 204) {
        expect(i.body, `${i.cassette}#${i.id}`).toBe('');
        continue;
      }
      const schema = i.status >= 400 ? errorBodySchema : schemaFor(i);
      expect(schema, `${i.cassette}#${i.id} ${i.method} ${i.path}`).toBeDefined();
      const result = schema?.safeParse(JSON.parse(i.body));
      expect(result?.success, `${i.cassette}#${i.id}: ${JSON.stringify(result?.error?.issues)}`).toBe(true);
      expect(i.headers['content-type']).toBe('application/json');
      parsed++;
    }
    // The reference cassettes hold 180 bodies: the loop must have seen them, not an empty folder.
    expect(parsed).toBeGreaterThanOrEqual(180);
  });

  it('users: emails, usernames and MFA state', () => {
    const user = userSchema.parse(JSON.parse(interaction('data-source-user-basic', 1).body));
    expect(user).toEqual({
      id: '8dfb57bf-eca3-46da-b712-0b3ac64539bf',
      email: 'testiamuserbasic@scaleway.com',
      username: 'testiamuserbasic',
      mfa: false,
    });

    const page = userPageSchema.parse(JSON.parse(interaction('list-iam-users-basic', 8).body));
    expect(page.total).toBe(page.items.length);
    expect(page.items.map((u) => u.email)).toContain('test-user-list-1@example.com');
  });

  it('the MFA listing: mfa=true and mfa=false split the users', () => {
    const withMfa = userPageSchema.parse(JSON.parse(interaction('list-iam-users-mfa', 4).body));
    const without = userPageSchema.parse(JSON.parse(interaction('list-iam-users-mfa', 3).body));
    expect(interaction('list-iam-users-mfa', 4).query.get('mfa')).toBe('true');
    expect(withMfa.items.length).toBeGreaterThan(0);
    expect(withMfa.items.every((u) => u.mfa)).toBe(true);
    expect(without.items.every((u) => !u.mfa)).toBe(true);
    expect(withMfa.items.map((u) => u.id)).toContain(OWNER);
  });

  it('groups and group membership', () => {
    const listed = groupPageSchema.parse(JSON.parse(interaction('list-iam-groups-basic', 8).body));
    expect(listed).toEqual({
      items: [expect.objectContaining({ name: 'test-group-list-1', userIds: [], applicationIds: [] })],
      total: 1,
    });

    const added = groupSchema.parse(JSON.parse(interaction('group-membership-user', 3).body));
    expect(added.userIds).toEqual([OWNER]);
    const withApp = groupSchema.parse(JSON.parse(interaction('group-membership-basic', 4).body));
    expect(withApp.applicationIds).toEqual(['01a09c7c-b2d9-4188-9cbd-d9915c057435']);
  });

  it('API keys: the secret only at creation, the bearer, expiry', () => {
    const created = createdApiKeySchema.parse(JSON.parse(interaction('api-key-with-application', 2).body));
    expect(created.secretKey).toBe('11111111-1111-1111-1111-111111111111');
    expect(created.key).toMatchObject({
      accessKey: 'SCW9AXCN349HVWTA0M0H',
      bearer: { kind: 'application', id: '0766588d-4a0e-4938-a140-544964da7870' },
    });
    expect(createdApiKeySchema.safeParse(JSON.parse(interaction('api-key-with-application', 3).body)).success).toBe(
      false,
    );

    const expiring = apiKeySchema.parse(JSON.parse(interaction('api-key-expires', 3).body));
    expect(expiring.expiresAt).toBe('2035-07-06T09:00:00Z');
    expect(keyInfo(expiring, Date.parse('2030-01-01T00:00:00Z')).status).toBe('active');
    expect(keyInfo(expiring, Date.parse('2036-01-01T00:00:00Z')).status).toBe('inactive');

    const page = apiKeyPageSchema.parse(JSON.parse(interaction('list-iamapi-keys-basic', 10).body));
    expect(page.total).toBe(page.items.length);
    expect(page.items.some((k) => k.bearer.kind === 'user')).toBe(true);
    expect(page.items.some((k) => k.bearer.kind === 'application')).toBe(true);
  });

  it('errors: not_found names its resource, a non-member has none, transient_state is retried', () => {
    expect(errorBodySchema.parse(JSON.parse(interaction('api-key-expires', 11).body))).toMatchObject({
      type: 'not_found',
      resource: 'access_key',
    });
    expect(errorBodySchema.parse(JSON.parse(interaction('group-membership-basic', 17).body))).toMatchObject({
      type: 'not_found',
      resource: '',
    });
    const busy = interaction('group-membership-basic', 15);
    expect(classify({ status: busy.status, headers: busy.headers, body: busy.body, attempts: 1 })).toMatchObject({
      retry: true,
      unprocessed: true,
    });
  });
});

describe('the adapter on replayed Scaleway exchanges', () => {
  let server: SimServer | undefined;
  let provider: Provider | undefined;

  afterEach(async () => {
    await provider?.close();
    await server?.close();
  });

  async function adapterOn(interactions: Interaction[]): Promise<Provider> {
    server = await replay(interactions);
    provider = scaleway.create(
      {
        type: 'scaleway',
        id: 'scw-replay',
        timeoutMs: 1_000,
        maxAttempts: 3,
        organizationId: ORGANIZATION,
        secretKey: new Secret('00000000-0000-4000-8000-000000000000'),
        baseUrl: server.url,
      },
      { log: createLogger({ level: 'silent' }), sleep: async () => {} },
    );
    return provider;
  }

  it('reads a membership back from a recorded group', async () => {
    const adapter = await adapterOn([
      interaction('group-membership-user', 4),
      interaction('group-membership-basic', 3),
    ]);
    expect(
      await adapter.isMember('cb6b9218-1101-44de-8510-94db6582c458', { id: OWNER, name: 'hashicorp@scaleway.com' }),
    ).toBe(true);
    expect(
      await adapter.isMember('127d163c-9d46-4e92-879d-53f019ce1047', { id: OWNER, name: 'hashicorp@scaleway.com' }),
    ).toBe(false);
  });

  it('removes an application through a recorded transient_state, then counts the recorded non-member 404 as done', async () => {
    const adapter = await adapterOn([
      interaction('group-membership-basic', 1), // GET /applications/{id}: the principal is an application
      interaction('group-membership-basic', 15), // 409 transient_state
      interaction('group-membership-basic', 16), // 200
      interaction('group-membership-basic', 17), // 404, resource ""
    ]);
    const app = await adapter.resolvePrincipal('01a09c7c-b2d9-4188-9cbd-d9915c057435', 'service');
    const group = '127d163c-9d46-4e92-879d-53f019ce1047';

    expect(await adapter.removeMember(group, app)).toEqual({
      providerRequestId: interaction('group-membership-basic', 16).headers['x-request-id'],
    });
    expect(await adapter.removeMember(group, app)).toEqual({
      providerRequestId: interaction('group-membership-basic', 17).headers['x-request-id'],
    });
  });

  it('finds a recorded user by email, lists recorded keys, and creates a key from a recorded answer', async () => {
    const adapter = await adapterOn([
      interaction('list-iam-users-basic', 8),
      interaction('list-iamapi-keys-basic', 1), // GET /applications/{id}
      interaction('list-iamapi-keys-basic', 14),
      interaction('api-key-with-application', 1),
      interaction('api-key-with-application', 2),
    ]);
    expect(await adapter.resolvePrincipal('TEST-USER-LIST-1@example.com')).toEqual({
      id: 'd70697ac-785c-41ac-b690-10f395972c8c',
      name: 'test-user-list-1@example.com',
    });

    const lister = await adapter.resolvePrincipal('a94c31ce-e268-4f19-a5d5-5f5075c46d9b', 'service');
    expect(await adapter.listKeys(lister)).toEqual([
      { id: 'SCWBN9HR9AA2PZHPSSNV', status: 'active', createdAt: '2026-06-16T09:32:01.136614Z' },
    ]);

    const app = await adapter.resolvePrincipal('0766588d-4a0e-4938-a140-544964da7870', 'service');
    const created = await adapter.createKey(app);
    expect(created.key.id).toBe('SCW9AXCN349HVWTA0M0H');
    expect(created.secret.reveal()).toBe('11111111-1111-1111-1111-111111111111');
    expect(created.providerRequestId).toBe(interaction('api-key-with-application', 2).headers['x-request-id']);
  });
});
