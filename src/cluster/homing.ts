/**
 * A SpaceNode's role changes (docs/cluster.md, "Homing and fencing"): an edge takes the lease
 * when it is free (first touch, or a home silent long enough to have lost it) and becomes home
 * for one term (HomeDuty); a home steps down when its lease is lost, on drain, or when it
 * hears a newer home. An edge with no sockets left forgets the Space after EDGE_IDLE_MS.
 */
import type { SpaceSnapshot, SpeakRequest } from '../protocol/space.js';
import type { Actor, Room } from '../core/space/index.js';
import type { BusReceiver } from './bus-receiver.js';
import { HomeDuty } from './home-duty.js';
import type { PresenceSender } from './presence-sender.js';
import type { SpaceNodeState } from './space-node-state.js';
import { homeLeaseKey, holderOf, parseHolder } from './topics.js';

/** ms without a word from the home after which an edge starts trying to take the lease */
const HOME_SUSPECT_MS = 500;
/** ms an edge without sockets keeps the Space before unsubscribing */
export const EDGE_IDLE_MS = 30_000;

export interface HomingDeps {
  receiver: BusReceiver;
  presence: PresenceSender;
  end(reason: string): void;
  /** drops this SpaceNode from the hub */
  forget(): void;
}

export class Homing {
  /** this node's term as home; kept after the Space ended there */
  duty: HomeDuty | null = null;
  #taking = false;
  /** clock ms since when this edge has had no socket, or null */
  #emptySince: number | null = null;

  constructor(
    private readonly s: SpaceNodeState,
    private readonly deps: HomingDeps,
  ) {}

  /** the Room while this node serves it as home, else null */
  get live(): Room | null {
    const room = this.duty?.room;
    return room && !room.closed ? room : null;
  }

  /** on open: home if the lease is free, else learn the live stage from the home */
  async join(): Promise<void> {
    await this.tryTakeOver();
    const { s } = this;
    if (s.role === 'edge' && s.home) {
      // learn the live stage from the home (the store knows only the host)
      try {
        const snap = (await s.ctx.calls.call(s.id, SYSTEM, { kind: 'snapshot' })) as {
          snapshot: SpaceSnapshot;
          requests: SpeakRequest[];
        };
        s.snapshot = snap.snapshot;
        s.fromHome = true;
        s.group.rememberRequests(snap.requests);
      } catch {
        // home silent: the watcher takes over after the lease ttl; the store's view meanwhile
      }
    }
  }

  /** one watch round: expire silent nodes (home) or take over a silent home (edge) */
  watch(): void {
    const { s } = this;
    if (s.closed || s.role === 'ended') return;
    const now = s.ctx.clock.now();
    if (s.role === 'home') {
      this.duty?.watch(now);
      return;
    }
    // an edge with no sockets left unsubscribes after a while (bus traffic follows listeners)
    if (s.group.size > 0) this.#emptySince = null;
    else if (this.#emptySince === null) this.#emptySince = now;
    else if (now - this.#emptySince >= EDGE_IDLE_MS) return this.deps.forget();
    // audio arrives every ~60 ms: a home silent this long is likely gone, so try the lease (it
    // only succeeds once the lease has really expired or been released)
    if (now - s.lastHeard >= HOME_SUSPECT_MS) void this.tryTakeOver();
  }

  /** edge: takes the lease if it is free; otherwise learns who holds it */
  async tryTakeOver(): Promise<void> {
    const { s } = this;
    const { ctx } = s;
    if (this.#taking || s.closed || s.role !== 'edge' || ctx.draining()) return;
    this.#taking = true;
    const key = homeLeaseKey(s.id);
    const holder = holderOf(ctx.self, ctx.url());
    try {
      const started = ctx.clock.now();
      const grant = await ctx.leases.acquire(key, holder, ctx.ttlMs);
      if (s.closed || s.role !== 'edge') {
        if (grant) await ctx.leases.release(key, holder, grant.token);
        return;
      }
      if (grant) return await this.#becomeHome(grant.token, started);
      const info = await ctx.leases.holder(key);
      if (info && info.token >= s.token) {
        s.home = parseHolder(info.holder);
        s.token = info.token;
        s.lastHeard = ctx.clock.now();
      }
    } catch (err) {
      ctx.log.warn({ err, spaceId: s.id }, 'could not check the home lease; will retry');
    } finally {
      this.#taking = false;
    }
  }

  /** stops acting as home (lease lost, drain); sockets stay */
  async stepDown(why: string, release: boolean): Promise<void> {
    const { s } = this;
    if (s.role !== 'home') return;
    s.role = 'edge';
    s.ctx.log.warn({ spaceId: s.id, token: s.token, why }, 'home -> edge');
    const duty = this.duty;
    this.duty = null;
    await duty?.stepDown(release);
    s.lastHeard = s.ctx.clock.now();
  }

  /**
   * The node closes or forgets the Space: a home stops serving and stops renewing its lease
   * without releasing it; a home whose Space ended lets go of its command subscription and of
   * the Room in the engine (the lease was already released when the Space ended).
   */
  close(): void {
    const duty = this.duty;
    this.duty = null;
    duty?.close();
  }

  async #becomeHome(token: number, grantedAt: number): Promise<void> {
    const { s, deps } = this;
    s.token = token;
    s.home = { node: s.ctx.self, url: s.ctx.url() };
    const duty = new HomeDuty(s, {
      grantedAt,
      onLost: (why) => void this.stepDown(`lease ${why}`, false),
      end: (reason) => deps.end(reason),
      applyLocal: (msg) => deps.receiver.applyLocal(msg),
      presence: deps.presence,
    });
    this.duty = duty;
    s.role = 'home';
    if (!(await duty.start())) this.duty = null;
  }
}

/** the actor of node-internal calls (snapshot fetch) */
const SYSTEM: Actor = { userId: null, handle: 'node', anonymous: true, admin: false };
