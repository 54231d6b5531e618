/**
 * A sliding window of bucket means of one metric's degradation fraction (0 healthy, 1 at the
 * failure threshold), in device time. Bucketing bounds the state whatever the sampling rate.
 */
export interface TrendSeries {
  /** Bucket start times (device ms), ascending. */
  t: number[];
  sum: number[];
  n: number[];
}

export function trendCreate(): TrendSeries {
  return { t: [], sum: [], n: [] };
}

export function trendAdd(
  s: TrendSeries,
  atMs: number,
  value: number,
  bucketMs: number,
  windowMs: number,
): void {
  const start = Math.floor(atMs / bucketMs) * bucketMs;
  const last = s.t.length - 1;
  if (last >= 0 && s.t[last] === start) {
    s.sum[last] = (s.sum[last] ?? 0) + value;
    s.n[last] = (s.n[last] ?? 0) + 1;
  } else if (last < 0 || start > (s.t[last] ?? 0)) {
    s.t.push(start);
    s.sum.push(value);
    s.n.push(1);
  }
  let drop = 0;
  while (drop < s.t.length && (s.t[drop] ?? 0) < start - windowMs) drop++;
  if (drop > 0) {
    s.t.splice(0, drop);
    s.sum.splice(0, drop);
    s.n.splice(0, drop);
  }
}

export interface TrendFit {
  /** Time on the series' clock (running time) at which the fitted degradation began. */
  onsetMs: number;
  /** Fitted degradation fraction now. */
  current: number;
  /** Hours until the fitted curve reaches 1. */
  rulHours: number;
}

const HOUR_MS = 3_600_000;

/**
 * Least-squares fit of d(t) = ((t - t0) / W)^n for t > t0 (0 before), with the shape exponent
 * n given and the onset t0 and the window W fitted: t0 by search over the bucket times, W in
 * closed form for each t0. Degradation in rotating machinery accelerates (wear, insulation
 * ageing), so a straight-line extrapolation would promise too much time; the exponent carries
 * that prior. Returns null when there is no rising trend to extrapolate.
 */
export function fitTrend(
  s: TrendSeries,
  nowMs: number,
  exponent: number,
  bucketMs: number,
  minPoints: number,
): TrendFit | null {
  const count = s.t.length;
  if (count < minPoints) return null;
  const th = new Array<number>(count);
  const y = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    th[i] = ((s.t[i] ?? 0) + bucketMs / 2 - nowMs) / HOUR_MS;
    y[i] = (s.sum[i] ?? 0) / Math.max(1, s.n[i] ?? 1);
  }
  let syy = 0;
  for (const v of y) syy += v * v;
  let best: { sse: number; t0: number; a: number } | null = null;
  const bucketH = bucketMs / HOUR_MS;
  const first = th[0] ?? 0;
  // Onsets before the window are allowed: a long degradation may have begun earlier.
  const candidates: number[] = [];
  for (let back = 8; back >= 1; back--) candidates.push(first - bucketH * back * back);
  for (let i = 0; i <= count - minPoints; i++) candidates.push((th[i] ?? 0) - bucketH / 2);
  for (const t0 of candidates) {
    let syg = 0;
    let sgg = 0;
    for (let i = 0; i < count; i++) {
      const dt = (th[i] ?? 0) - t0;
      const yi = y[i] ?? 0;
      if (dt <= 0) continue;
      const g = dt ** exponent;
      syg += yi * g;
      sgg += g * g;
    }
    if (sgg <= 0 || syg <= 0) continue;
    const a = syg / sgg;
    const sse = syy - (syg * syg) / sgg;
    if (best === null || sse < best.sse) best = { sse, t0, a };
  }
  if (best === null) return null;
  const windowH = best.a ** (-1 / exponent);
  const current = best.a * (-best.t0) ** exponent;
  return {
    onsetMs: nowMs + best.t0 * HOUR_MS,
    current,
    rulHours: Math.max(0, best.t0 + windowH),
  };
}
