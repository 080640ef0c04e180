/**
 * A fixed-size log-linear histogram of non-negative values (ms, µs, bytes…): 8 linear
 * sub-buckets per power of two, so any recorded value is reported within 1/8 (12.5%) of its
 * true value, and below 8 exactly. Recording is one Math.clz32 and an array increment; memory is
 * 8 × 33 counters whatever the number of samples. Values are rounded down to integers; values
 * at or above 2^32 land in the last bucket.
 */
const SUB = 8;
const SUB_BITS = 3;
const BUCKETS = SUB * 33;

export interface Percentiles {
  count: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  get count(): number {
    return this.#count;
  }

  record(value: number): void {
    const v = value > 0 ? Math.min(Math.floor(value), 0xffffffff) : 0;
    this.#counts[bucketOf(v)]!++;
    this.#count++;
    this.#sum += v;
    if (v < this.#min) this.#min = v;
    if (v > this.#max) this.#max = v;
  }

  /** adds another histogram's samples to this one */
  merge(other: Histogram): void {
    for (let i = 0; i < BUCKETS; i++) this.#counts[i]! += other.#counts[i]!;
    this.#count += other.#count;
    this.#sum += other.#sum;
    if (other.#min < this.#min) this.#min = other.#min;
    if (other.#max > this.#max) this.#max = other.#max;
  }

  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = 0;
  }

  /** the value at quantile q (0..1): the upper edge of its bucket, capped at the max seen; 0 if empty */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.#max);
    }
    return this.#max;
  }

  summary(): Percentiles {
    const empty = this.#count === 0;
    return {
      count: this.#count,
      min: empty ? 0 : this.#min,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.#max,
      mean: empty ? 0 : Math.round((this.#sum / this.#count) * 10) / 10,
    };
  }
}

function bucketOf(v: number): number {
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v); // floor(log2 v) >= SUB_BITS
  const sub = (v >>> (exp - SUB_BITS)) & (SUB - 1);
  return (exp - SUB_BITS + 1) * SUB + sub;
}

/** largest integer that falls in bucket i */
function upperEdge(i: number): number {
  if (i < SUB) return i;
  const exp = Math.floor(i / SUB) - 1 + SUB_BITS;
  const sub = i % SUB;
  return 2 ** exp + (sub + 1) * 2 ** (exp - SUB_BITS) - 1;
}
