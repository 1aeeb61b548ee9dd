/**
 * A whole simulated world on 127.0.0.1: Slack and the four providers, seeded with the same demo people,
 * and a policy that points at them. The sandbox runs it for people; the end-to-end tests run it too.
 */
import { startCloudflareSimulator, type CloudflareSimulator } from '../simulators/cloudflare/index.ts';
import { startJcsSimulator, type JcsSimulator } from '../simulators/jcs/index.ts';
import { startOutscaleSimulator, type OutscaleSimulator } from '../simulators/outscale/index.ts';
import { startScalewaySimulator, type ScalewaySimulator } from '../simulators/scaleway/index.ts';
import { startSlackSimulator, type SlackSimulator } from '../simulators/slack/index.ts';

export const PEOPLE = {
  alice: { id: 'U0ALICE', name: 'alice', realName: 'Alice Archer', email: 'alice@example.com', role: 'requester' },
  bob: { id: 'U0BOB', name: 'bob', realName: 'Bob Baker', email: 'bob@example.com', role: "Alice's manager" },
  carol: { id: 'U0CAROL', name: 'carol', realName: 'Carol Chen', email: 'carol@example.com', role: 'platform lead' },
  dave: { id: 'U0DAVE', name: 'dave', realName: 'Dave Diaz', email: 'dave@example.com', role: 'platform lead' },
  erin: { id: 'U0ERIN', name: 'erin', realName: 'Erin Evans', email: 'erin@example.com', role: 'IAM admin' },
} as const;

export const AUDIT_CHANNEL = 'C0AUDIT';
export const PLATFORM_GROUP = 'S0PLATFORM';

export interface World {
  slack: SlackSimulator;
  cloudflare: CloudflareSimulator;
  scaleway: ScalewaySimulator;
  outscale: OutscaleSimulator;
  jcs: JcsSimulator;
  /** The policy file's text, pointing at the simulators. */
  policy: string;
  /** The environment the policy's env: references resolve in. */
  env: Record<string, string>;
  /** Provider-side ids the policy names. */
  ids: { cloudflareGroup: string; cloudflareToken: string; scalewayGroup: string; scalewayApplication: string };
  close(): Promise<void>;
}

export interface WorldOptions {
  /** Slack's per-method rate limits (default on, as in Slack). */
  slackRateLimits?: boolean;
  /** The Slack simulator's time (default real time): the sandbox passes the clock it fast-forwards. */
  slackClock?: () => number;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const [slack, cloudflare, scaleway, outscale, jcs] = await Promise.all([
    startSlackSimulator({
      ...(options.slackRateLimits === false ? { rateLimits: false } : {}),
      ...(options.slackClock ? { clock: options.slackClock } : {}),
    }),
    startCloudflareSimulator(),
    startScalewaySimulator(),
    startOutscaleSimulator(),
    startJcsSimulator(),
  ]);
  for (const p of Object.values(PEOPLE)) {
    slack.workspace.addUser({ id: p.id, name: p.name, realName: p.realName, email: p.email });
    cloudflare.state.addMember(p.email);
    scaleway.state.addUser({ email: p.email, username: p.name, mfa: true });
    outscale.state.addUser(p.name);
    jcs.state.addUser({ name: p.name, email: p.email });
  }
  slack.workspace.addUsergroup(PLATFORM_GROUP, [PEOPLE.carol.id, PEOPLE.dave.id]);
  // The README's set-up invites the bot into the audit channel.
  slack.workspace.addChannel(AUDIT_CHANNEL, 'iam-audit', { botMember: true });
  const cfGroup = cloudflare.state.addGroup('prod-admins');
  const cfToken = cloudflare.state.addToken('ci-deploy');
  const scwGroup = scaleway.state.addGroup({ name: 'developers' });
  const scwApp = scaleway.state.addApplication({ name: 'ci-pipeline' });
  outscale.state.addGroup('ops');
  outscale.state.createKey(PEOPLE.alice.name);
  jcs.state.addGroup('devs');
  jcs.state.addKey(PEOPLE.alice.name);
  // Named as the default `mfaDeviceName` rule (`{user}`) names a user's device: JCS lists no owners.
  jcs.state.addMfaDevice(PEOPLE.alice.name, PEOPLE.alice.name);

  const env = {
    CLOUDFLARE_API_TOKEN: cloudflare.credentials.token,
    SCW_SECRET_KEY: scaleway.credentials.secretKey,
    OSC_ACCESS_KEY: outscale.credentials.accessKeyId,
    OSC_SECRET_KEY: outscale.credentials.secretAccessKey,
    JCS_ACCESS_KEY: jcs.credentials.accessKey,
    JCS_SECRET_KEY: jcs.credentials.secretKey,
  };
  const ids = {
    cloudflareGroup: cfGroup.id,
    cloudflareToken: cfToken.id,
    scalewayGroup: scwGroup.id,
    scalewayApplication: scwApp.id,
  };
  const policy = policyText({ cloudflare, scaleway, outscale, jcs, ids });
  return {
    slack,
    cloudflare,
    scaleway,
    outscale,
    jcs,
    policy,
    env,
    ids,
    async close() {
      await Promise.all([slack.close(), cloudflare.close(), scaleway.close(), outscale.close(), jcs.close()]);
    },
  };
}

function policyText(w: {
  cloudflare: CloudflareSimulator;
  scaleway: ScalewaySimulator;
  outscale: OutscaleSimulator;
  jcs: JcsSimulator;
  ids: World['ids'];
}): string {
  const { alice, bob, carol, dave, erin } = PEOPLE;
  return `# The sandbox policy: every provider is a local simulator.
providers:
  cf:
    type: cloudflare
    accountId: "${w.cloudflare.accountId}"
    token: env:CLOUDFLARE_API_TOKEN
    baseUrl: ${w.cloudflare.url}
  scw:
    type: scaleway
    organizationId: "${w.scaleway.organizationId}"
    secretKey: env:SCW_SECRET_KEY
    baseUrl: ${w.scaleway.url}
  osc:
    type: outscale
    region: ${w.outscale.region}
    accessKey: env:OSC_ACCESS_KEY
    secretKey: env:OSC_SECRET_KEY
    endpoint: ${w.outscale.url}
  jcs:
    type: jcs
    endpoint: ${w.jcs.url}
    accessKey: env:JCS_ACCESS_KEY
    secretKey: env:JCS_SECRET_KEY
identity:
  default: email
  providers:
    osc: email-local-part
    jcs: email-local-part
  domains: [example.com]
directory:
  managers:
    ${alice.id}: ${bob.id}
    ${bob.id}: ${carol.id}
    ${carol.id}: ${dave.id}
    ${dave.id}: ${erin.id}
    ${erin.id}: ${bob.id}
approvers:
  managers:
    manager: true
  platform-leads:
    usergroup: ${PLATFORM_GROUP}
  admins:
    users: [${erin.id}]
admins: admins
requests:
  ttl: 1d
catalog:
  - id: cf-prod-admins
    title: Cloudflare production admins
    provider: cf
    kind: group.add
    group: "${w.ids.cloudflareGroup}"
    approvers: [managers]
    maxDuration: 8h
    requireReason: true
  - id: scw-developers
    title: Scaleway developers
    provider: scw
    kind: group.add
    group: "${w.ids.scalewayGroup}"
    approvers: [managers, platform-leads]
    permanent: true
  - id: osc-ops
    title: Outscale ops
    provider: osc
    kind: group.add
    group: ops
    approvers: [{ set: platform-leads, quorum: 2 }]
    maxDuration: 4h
    defaultDuration: 1h
  - id: jcs-devs
    title: JCS developers
    provider: jcs
    kind: group.add
    group: devs
    approvers: [managers]
    permanent: true
  - id: cf-prod-admins-leave
    title: Leave Cloudflare production admins
    provider: cf
    kind: group.remove
    group: "${w.ids.cloudflareGroup}"
    approvers: [managers]
  - id: scw-developers-leave
    title: Leave Scaleway developers
    provider: scw
    kind: group.remove
    group: "${w.ids.scalewayGroup}"
    approvers: [managers]
  - id: osc-ops-leave
    title: Leave Outscale ops
    provider: osc
    kind: group.remove
    group: ops
    approvers: [managers]
  - id: jcs-devs-leave
    title: Leave JCS developers
    provider: jcs
    kind: group.remove
    group: devs
    approvers: [managers]
  - id: osc-my-key
    title: My Outscale access key
    provider: osc
    kind: key.rotate
    approvers: [managers]
  - id: jcs-my-key
    title: My JCS access key
    provider: jcs
    kind: key.rotate
    approvers: [managers]
  - id: scw-ci-key
    title: Scaleway CI pipeline key
    provider: scw
    kind: key.rotate
    principal: "${w.ids.scalewayApplication}"
    approvers: [platform-leads]
  - id: cf-ci-token
    title: Cloudflare CI deploy token
    provider: cf
    kind: key.rotate
    principal: "${w.ids.cloudflareToken}"
    approvers: [platform-leads]
  - id: jcs-mfa
    title: Reset my JCS MFA
    provider: jcs
    kind: mfa.reset
    approvers: [platform-leads]
  - id: scw-mfa
    title: Reset my Scaleway MFA
    provider: scw
    kind: mfa.reset
    approvers: [platform-leads]
reviews:
  - item: osc-ops
    reviewers: platform-leads
    deadline: 7d
    remindAfter: 3d
audit:
  channel: ${AUDIT_CHANNEL}
`;
}
