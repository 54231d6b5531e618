import type { MetricState } from './metric-state.js';
import type { DetectorParams } from './params.js';
import type { MetricProfile } from './profiles.js';
import { fitTrend } from './trend.js';

/**
 * The last remaining-useful-life estimate, in hours of running, and the device's running clock
 * when it was made. Wear advances only while the machine runs, so the trend is fitted and the
 * estimate aged in running time, and turned into calendar hours by the machine's duty.
 */
export interface RulEstimate {
  runningHours: number;
  atRunMs: number;
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
  runMs: number,
  p: DetectorParams,
): RulEstimate | null {
  const worst = Math.max(0, ...candidates.map((c) => c.degradation));
  if (worst < p.minRulDegradation) return null;
  const used = candidates.filter(
    (c) => c.state.cusum.alarm && c.degradation >= Math.max(p.minRulDegradation, p.rulShare * worst),
  );
  if (used.length === 0) return null;
  if (previous !== null && Math.floor(previous.atRunMs / p.bucketMs) === Math.floor(runMs / p.bucketMs)) {
    return previous;
  }
  let hours: number | null = null;
  for (const c of used) {
    const fit = fitTrend(c.state.trend, runMs, c.profile.exponent, p.bucketMs, p.minTrendPoints);
    if (fit === null) continue;
    hours = hours === null ? fit.rulHours : Math.min(hours, fit.rulHours);
  }
  return hours === null ? null : { runningHours: hours, atRunMs: runMs };
}

/** A machine seen running less than this share of the time is taken to run at least this much. */
const MIN_DUTY_SHARE = 0.1;

/** Calendar hours left: the estimate aged to the running clock `runMs`, over the share of time the machine runs. */
export function rulAt(estimate: RulEstimate | null, runMs: number, dutyShare: number): number | null {
  if (estimate === null) return null;
  const left = Math.max(0, estimate.runningHours - (runMs - estimate.atRunMs) / HOUR_MS);
  return left / Math.min(1, Math.max(MIN_DUTY_SHARE, dutyShare));
}
