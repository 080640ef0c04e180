/**
 * Who is on stage, with the capacity rules: exactly one host, at most LIMITS.maxCohosts
 * co-hosts, at most LIMITS.maxSpeakers speakers, at most LIMITS.maxOnStage in all.
 * Pure data, synchronous; the Room decides who may call what (permissions.ts).
 * Order of members = order they came on stage (the host first), which is also the order
 * in which co-hosts are considered for leading (leader.ts).
 */
import type { UserId } from '../../protocol/ids.js';
import { LIMITS } from '../../protocol/limits.js';
import type { Role, StageMember } from '../../protocol/space.js';
import { RostraError } from '../errors.js';

export class StageRoster {
  readonly #members = new Map<UserId, StageMember>();
  #hostId: UserId;

  constructor(host: { userId: UserId; handle: string }) {
    this.#hostId = host.userId;
    // no hot mics: everyone, the host included, starts muted and unmutes themself
    this.#members.set(host.userId, { ...host, role: 'host', muted: true, connected: false });
  }

  get hostId(): UserId {
    return this.#hostId;
  }

  get(userId: UserId): StageMember | undefined {
    return this.#members.get(userId);
  }

  roleOf(userId: UserId): Role {
    return this.#members.get(userId)?.role ?? 'listener';
  }

  count(role: Role): number {
    let n = 0;
    for (const m of this.#members.values()) if (m.role === role) n++;
    return n;
  }

  get size(): number {
    return this.#members.size;
  }

  /** copies, in stage order */
  list(): StageMember[] {
    return [...this.#members.values()].map((m) => ({ ...m }));
  }

  /** co-hosts in stage order */
  cohosts(): StageMember[] {
    return [...this.#members.values()].filter((m) => m.role === 'cohost');
  }

  /** who the mixer should include: on stage and not muted, in stage order */
  mixList(): UserId[] {
    return [...this.#members.values()].filter((m) => !m.muted).map((m) => m.userId);
  }

  /** throws stage_full unless one more speaker fits */
  assertSpeakerRoom(): void {
    if (this.count('speaker') >= LIMITS.maxSpeakers || this.size >= LIMITS.maxOnStage) {
      throw new RostraError('stage_full');
    }
  }

  /** a listener comes on stage as a speaker, muted */
  addSpeaker(userId: UserId, handle: string): void {
    if (this.#members.has(userId)) throw new RostraError('already_on_stage');
    this.assertSpeakerRoom();
    this.#members.set(userId, { userId, handle, role: 'speaker', muted: true, connected: false });
  }

  /** leaves the stage (back to the audience); the host cannot be removed this way */
  remove(userId: UserId): void {
    if (userId === this.#hostId) throw new RostraError('cannot_target_host');
    this.#members.delete(userId);
  }

  makeCohost(userId: UserId): void {
    const m = this.#require(userId);
    if (m.role !== 'speaker') throw new RostraError('forbidden', 'only a speaker can be made co-host');
    if (this.count('cohost') >= LIMITS.maxCohosts) throw new RostraError('cohosts_full');
    m.role = 'cohost';
  }

  removeCohost(userId: UserId): void {
    const m = this.#require(userId);
    if (m.role !== 'cohost') throw new RostraError('forbidden', 'that person is not a co-host');
    if (this.count('speaker') >= LIMITS.maxSpeakers) {
      throw new RostraError('stage_full', 'no speaker seat for the former co-host');
    }
    m.role = 'speaker';
  }

  /**
   * Hands the host role to a co-host or speaker. The old host becomes a co-host if there is
   * a co-host seat, else a speaker. Always fits: the new host frees the seat they held.
   */
  transferHost(to: UserId): { oldHostRole: Role } {
    const next = this.#require(to);
    if (next.role === 'host') throw new RostraError('cannot_target_self');
    const old = this.#require(this.#hostId);
    next.role = 'host';
    old.role = this.count('cohost') < LIMITS.maxCohosts ? 'cohost' : 'speaker';
    this.#hostId = to;
    return { oldHostRole: old.role };
  }

  /**
   * Throws unless `members` is a stage the caps allow: exactly one host, nobody twice
   * (invalid_field), at most LIMITS.maxCohosts co-hosts (cohosts_full), LIMITS.maxSpeakers
   * speakers and LIMITS.maxOnStage in all (stage_full).
   */
  static assertFits(members: readonly StageMember[]): void {
    const ids = new Set(members.map((m) => m.userId));
    if (ids.size !== members.length) throw invalidStage('someone is on stage twice');
    const count = (role: Role) => members.filter((m) => m.role === role).length;
    if (count('host') !== 1) throw invalidStage('a stage has exactly one host');
    if (count('cohost') > LIMITS.maxCohosts) throw new RostraError('cohosts_full');
    if (count('speaker') > LIMITS.maxSpeakers || members.length > LIMITS.maxOnStage) {
      throw new RostraError('stage_full');
    }
  }

  /** puts a whole stage in place, in the given order (restore.ts); the host stays who it is */
  replace(members: readonly StageMember[]): void {
    StageRoster.assertFits(members);
    if (!members.some((m) => m.userId === this.#hostId && m.role === 'host')) {
      throw new RostraError('internal', 'a restored stage must keep the host');
    }
    this.#members.clear();
    for (const m of members) this.#members.set(m.userId, { ...m });
  }

  setMuted(userId: UserId, muted: boolean): boolean {
    const m = this.#require(userId);
    if (m.muted === muted) return false;
    m.muted = muted;
    return true;
  }

  setConnected(userId: UserId, connected: boolean): boolean {
    const m = this.#members.get(userId);
    if (!m || m.connected === connected) return false;
    m.connected = connected;
    return true;
  }

  #require(userId: UserId): StageMember {
    const m = this.#members.get(userId);
    if (!m) throw new RostraError('not_on_stage');
    return m;
  }
}

const invalidStage = (why: string): RostraError =>
  new RostraError('invalid_field', why, { details: { field: 'stage' } });
