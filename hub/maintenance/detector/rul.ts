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
 * one contributes, weighted by how far it is: one failure shows in several metrics (a leaking
 * seal lowers pressure and raises current), and each alone is noisier than their blend.
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
  let sum = 0;
  let weight = 0;
  for (const c of used) {
    const fit = fitTrend(c.state.trend, atMs, c.profile.exponent, p.bucketMs, p.minTrendPoints);
    if (fit === null) continue;
    sum += fit.rulHours * c.degradation;
    weight += c.degradation;
  }
  return weight === 0 ? null : { hours: sum / weight, atMs };
}

/** The estimate aged to `atMs`. */
export function rulAt(estimate: RulEstimate | null, atMs: number): number | null {
  return estimate === null ? null : Math.max(0, estimate.hours - (atMs - estimate.atMs) / HOUR_MS);
}
