import type { MetricState } from './metric-state.js';
import type { DetectorParams } from './params.js';
import type { MetricProfile } from './profiles.js';
import { fitTrend } from './trend.js';

/** The last remaining-useful-life estimate and the device time it was made at. */
export interface RulEstimate {
  hours: number;
  atMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Refits the trends when a bucket has closed since the last fit. Every metric whose change
 * detector holds an alarm and that is at least `rulShare` as far towards failure as the worst
 * one is extrapolated, and the earliest wins: the machine fails when its first metric does, and
 * a metric carrying something besides the fault (weather in a temperature, a fault shape slow
 * before its knee) promises too much time, which a blend would pass on.
 */
export interface RulCandidate {
  profile: MetricProfile;
  state: MetricState;
  degradation: number;
}

export function nextRul(
  previous: RulEstimate | null,
  candidates: readonly RulCandidate[],
  atMs: number,
  p: DetectorParams,
): RulEstimate | null {
  const worst = Math.max(0, ...candidates.map((c) => c.degradation));
  if (worst < p.minRulDegradation) return null;
  const used = candidates.filter(
    (c) => c.state.cusum.alarm && c.degradation >= Math.max(p.minRulDegradation, p.rulShare * worst),
  );
  if (used.length === 0) return null;
  if (previous !== null && Math.floor(previous.atMs / p.bucketMs) === Math.floor(atMs / p.bucketMs)) {
    return previous;
  }
  let hours: number | null = null;
  for (const c of used) {
    const fit = fitTrend(c.state.trend, atMs, c.profile.exponent, p.bucketMs, p.minTrendPoints);
    if (fit === null) continue;
    hours = hours === null ? fit.rulHours : Math.min(hours, fit.rulHours);
  }
  return hours === null ? null : { hours, atMs };
}

/** The estimate aged to `atMs`. */
export function rulAt(estimate: RulEstimate | null, atMs: number): number | null {
  return estimate === null ? null : Math.max(0, estimate.hours - (atMs - estimate.atMs) / HOUR_MS);
}
