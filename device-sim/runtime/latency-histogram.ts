// Log-spaced buckets 2 % wide: constant memory for millions of samples, percentiles within 2 %.
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

export interface LatencyPercentiles {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export class LatencyHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    const v = Math.max(0, ms);
    const bucket = Math.floor(Math.log1p(v) / LOG_GROWTH);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.total++;
    if (v > this.maxMs) this.maxMs = v;
  }

  get count(): number {
    return this.total;
  }

  /** The upper edge of the bucket holding the q-quantile sample, never above the true maximum. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket) ?? 0;
      if (seen >= rank) return Math.min(this.maxMs, Math.expm1((bucket + 1) * LOG_GROWTH));
    }
    return this.maxMs;
  }

  percentiles(): LatencyPercentiles {
    const r = (v: number): number => Math.round(v * 10) / 10;
    return {
      count: this.total,
      p50: r(this.quantile(0.5)),
      p90: r(this.quantile(0.9)),
      p99: r(this.quantile(0.99)),
      max: r(this.maxMs),
    };
  }
}
