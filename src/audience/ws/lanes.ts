/**
 * Spreads listen sockets over `windowFrames` lanes that take turns, one lane per 20 ms frame.
 * Every socket still gets a batch of `windowFrames` frames once per window, but the write work
 * is cut into equal slices, one slice per frame tick, instead of one pass over every socket per
 * window. So the event loop is never blocked for a whole pass (joins, the bus and the HTTP
 * tiers keep moving) and the delay a listener sees is the window plus ONE slice, not the
 * window plus the whole pass:
 *
 *   window 3 frames, lanes L0 L1 L2          tick:  0    1    2    3    4    5
 *   L0 gets [.. f0] [f1 f2 f3]                      L0   L1   L2   L0   L1   L2
 *   L1 gets [.. f1] [f2 f3 f4]
 *
 * A lane sends the frames pushed since its last turn, so after a window change (one lane added,
 * or two merged) no frame is sent twice or skipped. Frames come in seq order but may skip seqs
 * (a mixer tick skipped, a failover): a lane's frames may then span the gap and the flush
 * callback splits them into consecutive runs; no lane is made to send early, since sending
 * every lane at once is a burst of N writes at the moment the process is already behind. A
 * new socket joins the lane whose turn is next (balance permitting) and gets that lane's next
 * batch. If frames stop coming (the home went away, the mixer stopped) a timer flushes every
 * lane once `maxHoldMs` has passed without a frame. A frame merely queued behind a busy event
 * loop is not "stopped": the timer takes a second look after the loop has polled its input.
 *
 * Messages for everyone (counts, reactions, levels: "bulletins") ride along: `post(b)` queues b
 * on every lane and each lane hands its queue over with its next batch, so a bulletin costs no
 * extra write per socket and reaches everyone within one window, in the order posted.
 */
import type { Clock } from '../../core/ports/clock.js';
import { FRAME_MS, type AudioFrame } from '../../protocol/audience.js';

export interface LanesOptions {
  /** frames per batch, 1..255; default 3 (60 ms) */
  windowFrames?: number;
  /** longest frames wait when no new frame arrives, ms; default windowFrames * 20 */
  maxHoldMs?: number;
}

export const DEFAULT_WINDOW_FRAMES = 3;

interface Lane<S, B> {
  members: Set<S>;
  /** bulletins posted since this lane's last turn */
  bulletins: B[];
  /** tick of the last frame this lane has sent (-1: none yet) */
  sentTick: number;
}

/**
 * `flush(members, frames, bulletins)`: write these frames (maybe none; in seq order, maybe with
 * gaps), then these bulletins (maybe none), to these sockets
 */
export type LaneFlush<S, B> = (members: ReadonlySet<S>, frames: AudioFrame[], bulletins: B[]) => void;

export class FrameLanes<S, B = never> {
  readonly #clock: Clock;
  readonly #flush: LaneFlush<S, B>;
  readonly #fixedHoldMs: number | undefined;
  #lanes: Lane<S, B>[] = [];
  /** the newest frames, oldest first; enough for any lane to catch up */
  #recent: AudioFrame[] = [];
  /** tick of the newest frame (-1: none yet) */
  #tick = -1;
  #lastPushAt = 0;
  #timer: { cancel(): void } | null = null;
  #size = 0;
  /** index of the lane that had the last turn; the next turn is the following index */
  #turn = -1;

  constructor(clock: Clock, flush: LaneFlush<S, B>, options: LanesOptions = {}) {
    const windowFrames = options.windowFrames ?? DEFAULT_WINDOW_FRAMES;
    checkWindow(windowFrames);
    this.#clock = clock;
    this.#flush = flush;
    this.#fixedHoldMs = options.maxHoldMs;
    this.#lanes = makeLanes<S, B>(windowFrames, -1);
  }

  get windowFrames(): number {
    return this.#lanes.length;
  }

  get maxHoldMs(): number {
    return this.#fixedHoldMs ?? this.windowFrames * FRAME_MS;
  }

  /** sockets in all lanes */
  get size(): number {
    return this.#size;
  }

  /** sockets per lane (for tests and stats) */
  laneSizes(): number[] {
    return this.#lanes.map((l) => l.members.size);
  }

  /**
   * Puts a socket in the lane whose turn comes next, so it has audio within one frame (time to
   * first audio does not grow with the window). Joins spread over time fall on every lane in
   * turn; a burst that would make that lane more than twice the average goes to the smallest
   * lane instead (O(lanes)). The caller adds each socket once.
   */
  add(socket: S): void {
    const next = this.#lanes[(this.#turn + 1) % this.#lanes.length] as Lane<S, B>;
    let target = next;
    if (next.members.size > (2 * this.#size) / this.#lanes.length + 8) {
      for (const lane of this.#lanes) if (lane.members.size < target.members.size) target = lane;
    }
    target.members.add(socket);
    this.#size++;
  }

  has(socket: S): boolean {
    return this.#lanes.some((l) => l.members.has(socket));
  }

  /** Removes a socket (O(lanes)); false if it was not in any lane. */
  remove(socket: S): boolean {
    for (const lane of this.#lanes) {
      if (lane.members.delete(socket)) {
        this.#size--;
        return true;
      }
    }
    return false;
  }

  /** Takes the next frame; the lane whose turn it is sends what it has not sent yet. */
  push(frame: AudioFrame): void {
    this.#tick++;
    this.#recent.push(frame);
    const keep = 2 * Math.max(this.windowFrames, 16);
    if (this.#recent.length > 2 * keep) this.#recent = this.#recent.slice(-keep);
    this.#lastPushAt = this.#clock.now();
    this.#turn = (this.#turn + 1) % this.#lanes.length;
    this.#send(this.#lanes[this.#turn] as Lane<S, B>);
    this.#armHold();
  }

  /** Queues a bulletin on every lane that has sockets; each sends it with its next batch. */
  post(bulletin: B): void {
    for (const lane of this.#lanes) if (lane.members.size > 0) lane.bulletins.push(bulletin);
    this.#armHold();
  }

  /**
   * The lane holding `socket` sends what it holds now (frames and bulletins), so a message
   * written to that socket next cannot overtake a bulletin posted before it. O(lanes).
   */
  flushLaneOf(socket: S): void {
    const lane = this.#lanes.find((l) => l.members.has(socket));
    if (lane) this.#send(lane);
  }

  /** Every lane sends what it holds now (before a bulletin that must follow, or at the end). */
  flushAll(): void {
    for (const lane of this.#lanes) this.#send(lane);
  }

  /**
   * Changes the window one lane at a time, without a pass over every socket (that would block
   * the loop for N writes at the moment the process is busiest). Widening adds an empty lane
   * whose turn comes next (newcomers fill it); narrowing merges the lane that just had its turn
   * into the one before it, after bringing that one up to date (two lanes' writes), so no
   * frame is sent twice or skipped and no lane waits more than one extra turn.
   */
  setWindowFrames(windowFrames: number): void {
    checkWindow(windowFrames);
    while (this.#lanes.length < windowFrames) {
      this.#lanes.splice(this.#turn + 1, 0, { members: new Set(), bulletins: [], sentTick: this.#tick });
    }
    while (this.#lanes.length > windowFrames) this.#mergeLastTurn();
  }

  #mergeLastTurn(): void {
    const n = this.#lanes.length;
    const last = Math.max(0, this.#turn);
    const into = (last - 1 + n) % n;
    const from = this.#lanes[last] as Lane<S, B>;
    const to = this.#lanes[into] as Lane<S, B>;
    this.#send(to);
    this.#send(from); // only its queued bulletins, if any: it had its turn
    for (const s of from.members) to.members.add(s);
    this.#lanes.splice(last, 1);
    this.#turn = last === 0 ? this.#lanes.length - 1 : into;
  }

  /** Drops held frames, sockets and the timer; idempotent. */
  clear(): void {
    this.#timer?.cancel();
    this.#timer = null;
    this.#recent = [];
    this.#lanes = makeLanes<S, B>(this.#lanes.length, this.#tick);
    this.#size = 0;
    this.#turn = -1;
  }

  #send(lane: Lane<S, B>): void {
    const count = Math.min(this.#tick - lane.sentTick, this.#recent.length);
    lane.sentTick = this.#tick;
    const bulletins = lane.bulletins;
    if (lane.members.size === 0 || (count <= 0 && bulletins.length === 0)) return;
    if (bulletins.length > 0) lane.bulletins = [];
    this.#flush(lane.members, count > 0 ? this.#recent.slice(-count) : [], bulletins);
  }

  #armHold(): void {
    if (this.#timer) return;
    this.#timer = this.#clock.setTimeout(() => this.#holdDue(false), this.maxHoldMs);
  }

  /**
   * Frames still coming: lanes take their turns. None for a frame's time: look once more on the
   * next timer pass, after the event loop has polled (a loop that was blocked has frames queued,
   * which update #lastPushAt), and flush every lane only if still none came.
   */
  #holdDue(secondLook: boolean): void {
    this.#timer = null;
    if (this.#clock.now() - this.#lastPushAt < FRAME_MS) return this.#armHold();
    if (!secondLook) {
      this.#timer = this.#clock.setTimeout(() => this.#holdDue(true), 1);
      return;
    }
    this.flushAll();
  }
}

function makeLanes<S, B>(count: number, sentTick: number): Lane<S, B>[] {
  return Array.from({ length: count }, () => ({ members: new Set<S>(), bulletins: [], sentTick }));
}

function checkWindow(windowFrames: number): void {
  if (!Number.isInteger(windowFrames) || windowFrames < 1 || windowFrames > 255) {
    throw new RangeError('windowFrames must be an integer in 1..255');
  }
}
