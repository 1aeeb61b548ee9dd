/** In-memory implementations of the workflow's ports, for tests that do not need a provider simulator. */
import type { AuditHead, AuditRecord } from '../../src/domain/audit-event.ts';
import { Secret } from '../../src/domain/secret.ts';
import {
  type CallResult,
  type Consistency,
  type CreatedKey,
  type CreatedKeys,
  type GroupMembership,
  type GroupRef,
  type KeyInfo,
  type MfaReset,
  type PrincipalRef,
  type Provider,
  ProviderError,
  type AuditLogStore,
  type AuditSink,
  type Clock,
  type DeliveryReport,
  type Directory,
  type Notice,
  type Standing,
  type Notifier,
  type RequestNotice,
  type SweepNotice,
  type Undelivered,
  type UndeliveredNotice,
} from '../../src/workflow/ports.ts';
import { isRequestNotice, isReviewNotice, isUndeliveredNotice, type ReviewNotice } from '../../src/domain/notice.ts';
import type { Request } from '../../src/domain/request.ts';

export class FakeClock implements Clock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export class MemoryDirectory implements Directory {
  emails = new Map<string, string>();
  managers = new Map<string, string>();
  usergroups = new Map<string, Set<string>>();

  async managerOf(user: string) {
    return this.managers.get(user);
  }
  async emailOf(user: string) {
    return this.emails.get(user);
  }
  names = new Map<string, string>();
  async nameOf(user: string) {
    return this.names.get(user);
  }
  standings = new Map<string, Standing>();
  async standingOf(user: string) {
    return this.standings.get(user) ?? 'member';
  }
  async usergroupMembers(usergroup: string) {
    return [...(this.usergroups.get(usergroup) ?? [])];
  }
  /** Deactivated or unknown accounts. */
  inactive = new Set<string>();
  async isActive(user: string) {
    return !this.inactive.has(user);
  }
}

export class RecordingNotifier implements Notifier {
  notices: RequestNotice[] = [];
  /** What the sweep reported. */
  findings: SweepNotice[] = [];
  reviews: ReviewNotice[] = [];
  /** Reports of parts nobody could receive, as the admins were told. */
  reports: UndeliveredNotice[] = [];
  /** The next deliveries throw these errors, in order. */
  failures: Error[] = [];
  /** What the admins were told directly, outside the outbox. */
  alerts: { admins: readonly string[]; text: string }[] = [];
  async alertAdmins(admins: readonly string[], text: string): Promise<void> {
    this.alerts.push({ admins, text });
  }
  /** The parts each delivery reports undelivered. */
  undelivered: (notice: Notice) => Undelivered[] = () => [];
  async deliver(notice: Notice): Promise<DeliveryReport> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (isRequestNotice(notice)) this.notices.push(notice);
    else if (isUndeliveredNotice(notice)) this.reports.push(notice);
    else if (isReviewNotice(notice)) this.reviews.push(notice);
    else this.findings.push(notice);
    return { undelivered: this.undelivered(notice) };
  }
  /** Requests whose new key waits to be revealed, as their owners were told. */
  get secretsReady(): Request[] {
    return this.notices.filter((n) => n.event === 'rotation.key_created').map((n) => n.request);
  }
  events(ref?: string): string[] {
    return this.notices.filter((n) => !ref || n.request.ref === ref).map((n) => n.event);
  }
}

export class MemoryAuditSink implements AuditSink {
  records: AuditRecord[] = [];
  /** The store's audit log, which the events go to as well (the store checks at open that it reaches the head it recorded). */
  log: AuditLogStore | undefined;

  async append(records: readonly AuditRecord[]): Promise<AuditHead | undefined> {
    this.records.push(...records);
    if (this.log) {
      const written = (await this.log.append(records)).at(-1);
      return written && { seq: written.seq, hash: written.hash, eventId: written.eventId };
    }
    const last = records.at(-1);
    return last && { seq: this.records.length, hash: `h${this.records.length}`, eventId: last.eventId };
  }
}

/** A provider in memory: users by email, groups with members, keys; calls counted; faults on demand. */
export class MemoryProvider implements Provider, GroupMembership, MfaReset {
  readonly type = 'memory';
  readonly groups: GroupMembership = this;
  readonly mfa: MfaReset = this;
  /** false: keys cannot be deactivated here, only deleted (as on JCS and Scaleway). */
  deactivates = true;
  consistency: Consistency = { model: 'read-your-writes', source: 'an in-memory double' };
  members = new Map<string, Set<string>>();
  /** Principal ids with an MFA device, which a reset removes. */
  mfaDevices = new Set<string>();
  /** The next N calls of these names answer as if done and change nothing (a provider losing writes). */
  lost = new Map<string, number>();
  users = new Map<string, PrincipalRef>();
  /** Each principal's keys. */
  accessKeys = new Map<string, KeyInfo[]>();
  mfaResets: string[] = [];
  calls: string[] = [];
  /** The next calls of these names throw this error. */
  faults = new Map<string, ProviderError>();
  /** Calls of these names fail every time (until removed), as a provider that is down. */
  failing = new Map<string, ProviderError>();
  /** Resolves when a call may proceed; lets tests hold a call in flight. */
  gate: Promise<void> = Promise.resolve();
  #keySeq = 0;

  constructor(readonly id: string) {}

  addUser(email: string, id = `user-${email}`): PrincipalRef {
    const user = { id, name: email };
    this.users.set(email, user);
    return user;
  }

  /** Throws the faults set for this call; false when the call is to be acknowledged without effect. */
  async #call(name: string): Promise<boolean> {
    this.calls.push(name);
    await this.gate;
    const fault = this.faults.get(name);
    if (fault) {
      this.faults.delete(name);
      throw fault;
    }
    const down = this.failing.get(name);
    if (down) throw down;
    const lost = this.lost.get(name) ?? 0;
    if (lost > 0) this.lost.set(name, lost - 1);
    return lost === 0;
  }

  get keys(): CreatedKeys {
    return {
      style: 'create',
      listKeys: (principal) => this.listKeys(principal),
      createKey: (principal) => this.createKey(principal),
      deleteKey: (principal, keyId) => this.deleteKey(principal, keyId),
      ...(this.deactivates && { deactivateKey: (principal, keyId) => this.deactivateKey(principal, keyId) }),
    };
  }

  async listGroups(search = ''): Promise<GroupRef[]> {
    await this.#call('listGroups');
    return [...this.members.keys()].filter((g) => g.includes(search)).map((g) => ({ id: g, name: g }));
  }
  async probe(): Promise<CallResult> {
    await this.#call('probe');
    return {};
  }
  async close(): Promise<void> {}
  async resolvePrincipal(identity: string): Promise<PrincipalRef> {
    await this.#call('resolvePrincipal');
    const user = this.users.get(identity);
    if (!user) throw new ProviderError('not_found', `No ${this.id} user ${identity}.`);
    return user;
  }
  async isMember(group: string, principal: PrincipalRef): Promise<boolean> {
    await this.#call('isMember');
    return this.members.get(group)?.has(principal.id) ?? false;
  }
  /**
   * Every group exists here (as for isMember and addMember): one never seeded has no members. A test wanting
   * the port's not_found for an unknown group sets `faults.set('listMembers', new ProviderError('not_found', …))`.
   */
  async listMembers(group: string): Promise<PrincipalRef[]> {
    await this.#call('listMembers');
    const known = [...this.users.values()];
    return [...(this.members.get(group) ?? [])].map((id) => {
      const user = known.find((u) => u.id === id);
      return user ? { id: user.id, name: user.name } : { id, name: id };
    });
  }
  async addMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    if (!(await this.#call('addMember'))) return { providerRequestId: `req-add-${this.calls.length}` };
    const set = this.members.get(group) ?? new Set<string>();
    set.add(principal.id);
    this.members.set(group, set);
    return { providerRequestId: `req-add-${this.calls.length}` };
  }
  async removeMember(group: string, principal: PrincipalRef): Promise<CallResult> {
    if (!(await this.#call('removeMember'))) return { providerRequestId: `req-rm-${this.calls.length}` };
    this.members.get(group)?.delete(principal.id);
    return { providerRequestId: `req-rm-${this.calls.length}` };
  }
  async listKeys(principal: PrincipalRef): Promise<KeyInfo[]> {
    await this.#call('listKeys');
    return this.accessKeys.get(principal.id) ?? [];
  }
  async createKey(principal: PrincipalRef): Promise<CreatedKey> {
    const done = await this.#call('createKey');
    const key: KeyInfo = { id: `key-${++this.#keySeq}`, status: 'active' };
    if (done) this.accessKeys.set(principal.id, [...(this.accessKeys.get(principal.id) ?? []), key]);
    return { key, secret: new Secret(`SECRET-${principal.id}-${key.id}-do-not-leak`) };
  }
  async deactivateKey(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    if (!(await this.#call('deactivateKey'))) return {};
    for (const key of this.accessKeys.get(principal.id) ?? []) if (key.id === keyId) key.status = 'inactive';
    return {};
  }
  async deleteKey(principal: PrincipalRef, keyId: string): Promise<CallResult> {
    if (!(await this.#call('deleteKey'))) return {};
    this.accessKeys.set(
      principal.id,
      (this.accessKeys.get(principal.id) ?? []).filter((k) => k.id !== keyId),
    );
    return {};
  }
  async resetMfa(principal: PrincipalRef): Promise<CallResult> {
    if (!(await this.#call('resetMfa'))) return { providerRequestId: 'req-mfa' };
    this.mfaResets.push(principal.id);
    this.mfaDevices.delete(principal.id);
    return { providerRequestId: 'req-mfa' };
  }
  async mfaEnrolled(principal: PrincipalRef): Promise<boolean> {
    await this.#call('mfaEnrolled');
    return this.mfaDevices.has(principal.id);
  }
}
