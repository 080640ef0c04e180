/**
 * Liveness of WebSocket clients: each socket is pinged once per `periodMs` and terminated if it
 * did not answer (pong) the ping before. The sockets are visited in slices, one slice every
 * `sliceMs`, so a node with 15,000 sockets sends ~250 pings every 500 ms rather than 15,000 in
 * one pass: a pass blocked the event loop for ~200 ms and made every client answer at once
 * (measured: the load tool lagged 0.5–0.7 s and its listeners counted stalls every 30 s).
 *
 * A round (every socket once) starts at most once per period, so a socket is never pinged
 * sooner than a period after its previous ping, however few sockets there are. Sockets that
 * connect during a round are visited in it (the Set iterator is live) and count as alive until
 * their first ping has had a period to be answered.
 * Lifecycle: start() -> stop() (idempotent).
 */
import type { Clock } from '../../core/ports/clock.js';

export interface HeartbeatSocket {
  ping(): void;
  terminate(): void;
}

export class Heartbeat<S extends HeartbeatSocket> {
  readonly #clients: Set<S>;
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #slices: number;
  readonly #sliceMs: number;
  readonly #alive = new WeakSet<S>();
  #round: IterableIterator<S> | null = null;
  #roundStartedAt = -Infinity;
  #quota = 0;
  #timer: { cancel(): void } | null = null;

  constructor(clients: Set<S>, clock: Clock, periodMs = 30_000, sliceMs = 500) {
    this.#clients = clients;
    this.#clock = clock;
    this.#periodMs = periodMs;
    this.#sliceMs = Math.min(sliceMs, periodMs);
    this.#slices = Math.max(1, Math.floor(periodMs / this.#sliceMs));
  }

  /** a socket joined or answered a ping */
  alive(socket: S): void {
    this.#alive.add(socket);
  }

  start(): void {
    this.#timer ??= this.#clock.setInterval(() => this.#tick(), this.#sliceMs);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  #tick(): void {
    if (!this.#round) {
      if (this.#clock.now() - this.#roundStartedAt < this.#periodMs) return;
      this.#round = this.#clients.values();
      this.#roundStartedAt = this.#clock.now();
      // the last slice of the period takes what is left, so a round ends within the period; at
      // least one a slice, so a round begun with no sockets still reaches its end
      this.#quota = Math.max(1, Math.ceil(this.#clients.size / this.#slices));
    }
    for (let n = 0; n < this.#quota; n++) {
      const next = this.#round.next();
      if (next.done) {
        this.#round = null;
        return;
      }
      this.#visit(next.value);
    }
  }

  #visit(socket: S): void {
    if (!this.#alive.has(socket)) {
      socket.terminate();
      return;
    }
    this.#alive.delete(socket);
    socket.ping();
  }
}
