import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TickClock } from './tick-clock.js';

/** A fake clock whose timers always fire `slopMs` late, like a busy event loop. */
function fakeTime(slop: number) {
  let now = 0;
  const t = { slopMs: slop };
  let pending: { at: number; fn: () => void } | null = null;
  return {
    t,
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      pending = { at: now + ms + t.slopMs, fn };
      return () => (pending = null);
    },
    runUntil(t: number) {
      while (pending && pending.at <= t) {
        const p: { at: number; fn: () => void } = pending;
        pending = null;
        now = p.at;
        p.fn();
      }
      now = t;
    },
  };
}

void test('ticks stay on the start + n x period grid however late the timer fires', () => {
  const time = fakeTime(7);
  const due: number[] = [];
  const clock = new TickClock({
    periodMs: 20,
    now: time.now,
    setTimer: time.setTimer,
    onTick: (n, late) => due.push(time.now() - late - n * 20),
  });
  clock.start();
  time.runUntil(10_000);
  clock.stop();
  // 10 s at 20 ms is 500 ticks (+1 for tick 0); a setInterval with 7 ms slop would give ~370
  assert.ok(clock.stats.ticks >= 500 && clock.stats.ticks <= 501, `ticks ${clock.stats.ticks}`);
  assert.ok(
    due.every((d) => d === 0),
    'every tick was due exactly on the grid',
  );
  assert.equal(clock.stats.late, 0, '7 ms late is within half a period');
});

void test('a stall is caught up with back-to-back ticks, then skipped past a limit', () => {
  const time = fakeTime(0);
  const ran: number[] = [];
  const clock = new TickClock({
    periodMs: 20,
    now: time.now,
    setTimer: time.setTimer,
    maxCatchUp: 10,
    onTick: (n) => ran.push(n),
  });
  clock.start();
  time.runUntil(100); // ticks 0..5
  time.t.slopMs = 380; // the next timer fires at 500 ms: ticks 6..25 are due at once
  time.runUntil(500);
  time.t.slopMs = 0;
  time.runUntil(600);
  clock.stop();
  assert.deepEqual(ran.slice(6, 16), [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], '10 ticks caught up back to back');
  assert.equal(clock.stats.skipped, 10, 'ticks 16..25 skipped');
  assert.ok(clock.stats.late >= 9);
  assert.equal(ran.at(-1), 30, 'back on the grid: tick 30 at 600 ms');
});

void test('the real clock produces ~50 ticks per second without drift', async () => {
  const times: number[] = [];
  const clock = new TickClock({ periodMs: 20, onTick: () => times.push(performance.now()) });
  clock.start();
  await new Promise((r) => setTimeout(r, 1010));
  clock.stop();
  const start = clock.startedAt;
  const last = times.at(-1) ?? 0;
  assert.ok(times.length >= 49 && times.length <= 52, `ticks ${times.length}`);
  // tick n runs close to start + 20n: the last one is not behind by accumulated slop
  assert.ok(last - (start + (times.length - 1) * 20) < 15, `last tick ${last - start} ms after start`);
});
