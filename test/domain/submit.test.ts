import { describe, expect, it } from 'vitest';
import { DEFAULT_REQUEST_SETTINGS, type CatalogItem } from '../../src/domain/policy.ts';
import { submit, type SubmitInput } from '../../src/domain/transitions.ts';
import { T0, groupItem } from '../support/fixtures.ts';

function input(overrides: Partial<SubmitInput> = {}): SubmitInput {
  return {
    id: 'id-1',
    number: 7,
    item: groupItem,
    requester: 'U_ALICE',
    requesterAllowed: true,
    reason: 'incident 42',
    durationMs: 3_600_000,
    now: T0,
    settings: DEFAULT_REQUEST_SETTINGS,
    ...overrides,
  };
}

describe('submit', () => {
  it('creates a pending request at stage 1 with a human reference and a TTL', () => {
    const result = submit(input());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({
      ref: 'REQ-0007',
      version: 1,
      operation: { kind: 'group.add', group: 'admins', durationMs: 3_600_000 },
      status: { state: 'pending', stage: 0, expiresAt: T0 + DEFAULT_REQUEST_SETTINGS.pendingTtlMs },
    });
  });

  it('refuses a duration above maxDuration, naming both', () => {
    const result = submit(input({ durationMs: 9 * 3_600_000 }));
    expect(!result.ok && result.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('9h is longer than the 8h'),
    });
  });

  it('requires a duration on a time-bound item', () => {
    const { durationMs: _omit, ...rest } = input();
    expect(submit(rest).ok).toBe(false);
  });

  it('a submission without a duration gets the item’s defaultDuration; one with a duration keeps it', () => {
    const { durationMs: _omit, ...rest } = input();
    const item: CatalogItem = { ...groupItem, defaultDurationMs: 2 * 3_600_000 };
    const defaulted = submit({ ...rest, item });
    expect(defaulted.ok && defaulted.value.operation).toEqual({
      kind: 'group.add',
      group: 'admins',
      durationMs: 2 * 3_600_000,
    });
    const chosen = submit(input({ item }));
    expect(chosen.ok && chosen.value.operation).toEqual({ kind: 'group.add', group: 'admins', durationMs: 3_600_000 });
  });

  it('refuses a missing reason when the item requires one, and an over-long one always', () => {
    expect(submit(input({ reason: '  ' })).ok).toBe(false);
    const optional: CatalogItem = { ...groupItem, requireReason: false };
    expect(submit(input({ item: optional, reason: '' })).ok).toBe(true);
    expect(submit(input({ item: optional, reason: 'x'.repeat(1001) })).ok).toBe(false);
  });

  it('refuses someone who may not request the item', () => {
    const result = submit(input({ requesterAllowed: false }));
    expect(!result.ok && result.error.reason).toBe('not_a_requester');
  });

  it('refuses a duration on anything but group access', () => {
    const mfa: CatalogItem = { ...groupItem, kind: 'mfa.reset', maxDurationMs: undefined } as CatalogItem;
    expect(submit(input({ item: mfa })).ok).toBe(false);
  });
});
