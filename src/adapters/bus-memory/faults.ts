/** Fault injection settings of a MemoryBroker. Each applies per delivery (message x receiving node). */
export interface FaultOptions {
  /** fraction 0..1 of deliveries dropped */
  drop?: number;
  /** fraction 0..1 of deliveries delivered twice (back to back) */
  duplicate?: number;
  /** fraction 0..1 of deliveries delayed by a random time in delayMs */
  delay?: number;
  /** [min, max] ms of an injected delay; default [5, 50] */
  delayMs?: readonly [number, number];
}

export interface FaultDecision {
  drop: boolean;
  duplicate: boolean;
  /** extra latency, ms (0 = none) */
  delayMs: number;
}

const clamp01 = (x: number | undefined): number => (x === undefined || !(x > 0) ? 0 : Math.min(1, x));

export function checkFaults(f: FaultOptions): Required<FaultOptions> {
  const [min, max] = f.delayMs ?? [5, 50];
  if (!(min >= 0 && max >= min)) throw new RangeError(`delayMs must be [min, max] with 0 <= min <= max`);
  return {
    drop: clamp01(f.drop),
    duplicate: clamp01(f.duplicate),
    delay: clamp01(f.delay),
    delayMs: [min, max],
  };
}

/** Always draws four numbers so the random sequence does not depend on which faults are on. */
export function decide(f: Required<FaultOptions>, random: () => number): FaultDecision {
  const [rDrop, rDup, rDelay, rAmount] = [random(), random(), random(), random()];
  const [min, max] = f.delayMs;
  return {
    drop: rDrop < f.drop,
    duplicate: rDup < f.duplicate,
    delayMs: rDelay < f.delay ? min + rAmount * (max - min) : 0,
  };
}
