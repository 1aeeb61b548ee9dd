/**
 * Verified effects (issue 16): a provider's acknowledgement is not proof. After every step that changes
 * something, the state is read back through the provider's own API and the post-condition is recorded
 * with the step in the audit log (`verified: true`, what was read, when). A post-condition that does not
 * hold is a failure of its own kind, `unverified`: the change is made again (every change here is
 * idempotent) and read again, and after EFFECT_ATTEMPTS the step fails — never reported as done.
 *
 * Where the provider may show a change late (`Provider.consistency`), each read-back is a bounded wait:
 * reads after EVENTUAL_WAITS_MS, through the executor's injected `wait`, so tests never really sleep.
 */
import type { Verification } from '../domain/request.ts';
import type {
  Consistency,
  GroupMembership,
  KeyInfo,
  KeyRotation,
  MfaReset,
  PrincipalRef,
  Provider,
  Clock,
} from './ports.ts';
import { IamBotError } from '../shared/errors.ts';

export type { Verification } from '../domain/request.ts';

/** A post-condition: what must hold after the change, and how to read it from the provider. */
interface PostCondition {
  /** For people and the audit log: "alice is a member of devs". */
  expected: string;
  read: () => Promise<{ holds: boolean; observed: string }>;
}

export interface ReadBackDeps {
  clock: Clock;
  /** Waits between reads of a provider that may show a change late. */
  wait: (ms: number) => Promise<void>;
}

/**
 * Waits before each further read where a change may show late: five reads within 15 s. AWS, whose IAM
 * EIM follows, says a change usually shows within seconds; a change still missing after that is treated
 * as not made, and made again.
 */
export const EVENTUAL_WAITS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000];

/** A change whose post-condition does not show is made at most this many times in all. */
export const EFFECT_ATTEMPTS = 3;

/** The provider acknowledged a change its own reads do not show, after every attempt. */
export class UnverifiedEffectError extends IamBotError<'unverified'> {
  constructor(
    readonly expected: string,
    readonly observed: string,
    readonly attempts: number,
  ) {
    const times = attempts === 1 ? 'once' : `${attempts} times`;
    super(
      'unverified',
      `The provider acknowledged the change (${times}), but reading it back does not show it: expected ${expected}, read ${observed}. Nothing was reported as done.`,
    );
    this.name = 'UnverifiedEffectError';
  }
}

/** Reads the post-condition, waiting within the bound where the provider may show the change late. */
export async function readBack(
  condition: PostCondition,
  consistency: Consistency,
  deps: ReadBackDeps,
): Promise<{ holds: true; verification: Verification } | { holds: false; observed: string }> {
  const waits = consistency.model === 'read-your-writes' ? [] : EVENTUAL_WAITS_MS;
  for (let reads = 1; ; reads++) {
    const { holds, observed } = await condition.read();
    if (holds)
      return {
        holds,
        verification: { expected: condition.expected, observed, at: new Date(deps.clock.now()).toISOString(), reads },
      };
    const wait = waits[reads - 1];
    if (wait === undefined) return { holds, observed };
    await deps.wait(wait);
  }
}

/**
 * Makes a change and reads it back; makes it again while the read-back does not show it (`repeat`
 * false: a change that must not be made twice, such as creating a key, is only read back).
 */
export async function verifiedEffect<R>(
  act: () => Promise<R>,
  condition: PostCondition,
  provider: Provider,
  deps: ReadBackDeps,
  options: { repeat?: boolean } = {},
): Promise<{ result: R; verification: Verification }> {
  const attempts = options.repeat === false ? 1 : EFFECT_ATTEMPTS;
  let observed = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const result = await act();
    const read = await readBack(condition, provider.consistency, deps);
    if (read.holds) return { result, verification: read.verification };
    observed = read.observed;
  }
  throw new UnverifiedEffectError(condition.expected, observed, attempts);
}

/** A condition already read (no change was needed): recorded as its verification. */
export function alreadyHeld(expected: string, observed: string, deps: ReadBackDeps): Verification {
  return { expected, observed, at: new Date(deps.clock.now()).toISOString(), reads: 1 };
}

export function membership(groups: GroupMembership, group: string, who: PrincipalRef, wanted: boolean): PostCondition {
  return {
    expected: `${who.name} ${wanted ? 'is' : 'is not'} a member of ${group}`,
    read: async () => {
      const member = await groups.isMember(group, who);
      return { holds: member === wanted, observed: member ? 'a member' : 'not a member' };
    },
  };
}

/** `inactive`: deactivated or gone; `absent`: gone; `active`: listed and active. */
export function keyState(
  keys: KeyRotation,
  who: PrincipalRef,
  keyId: string,
  wanted: 'active' | 'inactive' | 'absent',
): PostCondition {
  const expected =
    wanted === 'absent'
      ? `key ${keyId} is deleted`
      : wanted === 'inactive'
        ? `key ${keyId} is inactive or deleted`
        : `key ${keyId} is listed and active`;
  return {
    expected,
    read: async () => {
      const key: KeyInfo | undefined = (await keys.listKeys(who)).find((k) => k.id === keyId);
      const observed = key ? `key ${keyId} ${key.status}` : `key ${keyId} not listed`;
      const holds =
        wanted === 'absent' ? !key : wanted === 'inactive' ? key?.status !== 'active' : key?.status === 'active';
      return { holds, observed };
    },
  };
}

export function mfaRemoved(mfa: MfaReset, who: PrincipalRef): PostCondition {
  return {
    expected: `${who.name} has no MFA device`,
    read: async () => {
      const enrolled = await mfa.mfaEnrolled(who);
      return { holds: !enrolled, observed: enrolled ? 'an MFA device is still there' : 'no MFA device' };
    },
  };
}

/** The audit details of the read-backs a step made. */
export function verifiedDetails(verifications: readonly Verification[] | undefined): Record<string, unknown> {
  return verifications && verifications.length > 0 ? { verified: true, readBack: verifications } : {};
}
