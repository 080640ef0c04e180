/**
 * When a failed webhook delivery is tried again. The n-th retry waits RETRY_DELAYS_MS[n-1]
 * (the last value repeats), give or take 20 % so that deliveries that failed together (a
 * receiver that was down) do not all come back in the same second.
 */
/** ms: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h — about 8 h from first to last try */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000,
];

/** attempts (the first included) before a delivery is given up as failed */
export const DEFAULT_MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** ms to wait after the `attempts`-th attempt failed (attempts >= 1) */
export function retryDelayMs(
  attempts: number,
  delays: readonly number[] = RETRY_DELAYS_MS,
  random: () => number = Math.random,
): number {
  const base = delays[Math.min(attempts, delays.length) - 1] ?? delays[0] ?? 1_000;
  return Math.round(base * (0.8 + 0.4 * random()));
}
