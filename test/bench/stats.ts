/** Order statistics for benchmark samples (pure). */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN for none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: readonly number[]): Summary {
  const n = samples.length;
  return {
    n,
    min: n ? Math.min(...samples) : NaN,
    p50: median(samples),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    max: n ? Math.max(...samples) : NaN,
    mean: n ? samples.reduce((a, b) => a + b, 0) / n : NaN,
  };
}

/** Collects latencies without keeping every sample when there are many (fixed-size reservoir). */
export class Samples {
  private readonly kept: number[] = [];
  private seen = 0;
  constructor(private readonly cap = 200_000, private readonly random: () => number = Math.random) {}
  add(v: number): void {
    this.seen++;
    if (this.kept.length < this.cap) this.kept.push(v);
    else {
      const i = Math.floor(this.random() * this.seen);
      if (i < this.cap) this.kept[i] = v;
    }
  }
  reset(): void {
    this.kept.length = 0;
    this.seen = 0;
  }
  get count(): number {
    return this.seen;
  }
  values(): readonly number[] {
    return this.kept;
  }
  summary(): Summary {
    return summarize(this.kept);
  }
}
