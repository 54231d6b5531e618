import { LatencyHistogram } from '../device-sim/runtime/latency-histogram.js';

// The simulator's log-bucketed histogram (2 % buckets, exact maximum), shared rather than duplicated.
export { LatencyHistogram };

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function latencySummary(histogram: LatencyHistogram): LatencySummary {
  const { count, p50, p90, p99, max } = histogram.percentiles();
  const p999 = count === 0 ? 0 : Math.round(histogram.quantile(0.999) * 10) / 10;
  return { count, p50, p90, p99, p999, max };
}
