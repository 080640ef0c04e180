/**
 * Ends a live Space nobody attends. Unattended = live, and nobody on stage (host, co-hosts,
 * speakers) has a stage connection open: the host closed the tab and nobody else was up there,
 * or the home node failed over and nobody came back. After `afterMs` of that without a break
 * the Room ends the Space (reason 'unattended'); anyone on stage reconnecting before cancels
 * it. Listeners do not keep a Space alive: with nobody on stage they hear silence forever, and
 * the lobby would list it as live forever. `afterMs` 0 turns it off.
 *
 * Lifecycle: owned by the Room, re-evaluated after every presence change and command;
 * `close()` cancels the timer.
 */
import type { Clock } from '../ports/clock.js';

export class UnattendedTimer {
  #timer: { cancel(): void } | null = null;

  /** @param onExpire called once `afterMs` passed unattended; it re-checks before ending */
  constructor(
    private readonly clock: Clock,
    private readonly afterMs: number,
    private readonly onExpire: () => void,
  ) {}

  /** true while the timer runs (tests, stats) */
  get running(): boolean {
    return this.#timer !== null;
  }

  /** starts the countdown when the Space became unattended, cancels it when it no longer is */
  update(unattended: boolean): void {
    if (!unattended || this.afterMs <= 0) {
      this.close();
      return;
    }
    this.#timer ??= this.clock.setTimeout(() => {
      this.#timer = null;
      this.onExpire();
    }, this.afterMs);
  }

  close(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }
}
