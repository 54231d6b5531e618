import type { GroundTruth } from '../../../device-sim/index.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What one detector did with one device over the run. */
export interface DeviceOutcome {
  truth: GroundTruth;
  /** Device times at which an alert opened (warning or critical). */
  alertsOpenedMs: number[];
  /** RUL estimates (hours) during the degradation window, with the device time they were made. */
  rul: { atMs: number; hours: number | null }[];
}

export interface Figures {
  failures: number;
  detected: number;
  recall: number;
  precision: number;
  alerts: { true: number; false: number; afterFailure: number };
  recallByMode: Record<string, number>;
  falseAlarmsPerHealthyDeviceDay: number;
  healthyDeviceDays: number;
  leadTimeHours: { median: number | null; p10: number | null };
  /** Lead time as a share of each device's degradation window. */
  leadTimeShare: { median: number | null; p10: number | null };
  rul: {
    /** Root mean square of (estimate - truth) / window over every estimate in the window. */
    rmseShareOfWindow: number | null;
    /** Share of failures whose estimate at half-way was within ±20% of the truth. */
    within20PctAtHalf: number;
    estimatesAtHalf: number;
  };
}

export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (pos - lo);
}

function round(x: number | null, digits = 3): number | null {
  return x === null ? null : Number(x.toFixed(digits));
}

/**
 * Scores alerts against ground truth. An alert opened between onset and failure of a failing
 * device is a true alert; any other before the failure is false; after the failure the machine
 * has stopped and the failure event says so already, so those are counted apart.
 */
export function score(outcomes: readonly DeviceOutcome[], startMs: number, endMs: number): Figures {
  let failures = 0;
  let detected = 0;
  let trueAlerts = 0;
  let falseAlerts = 0;
  let afterFailure = 0;
  let healthyMs = 0;
  const leadHours: number[] = [];
  const leadShare: number[] = [];
  const byMode = new Map<string, { n: number; hit: number }>();
  let sq = 0;
  let nsq = 0;
  let halfWithin = 0;
  let halfEstimates = 0;

  for (const o of outcomes) {
    const { onsetMs, failureMs, failureMode } = o.truth;
    const failing = onsetMs !== null && failureMs !== null && failureMs <= endMs;
    const healthyUntil = onsetMs === null ? endMs : Math.min(endMs, onsetMs);
    healthyMs += Math.max(0, healthyUntil - startMs);
    let firstTrue: number | null = null;
    for (const at of o.alertsOpenedMs) {
      if (failureMs !== null && at >= failureMs) afterFailure++;
      else if (onsetMs !== null && at >= onsetMs) {
        trueAlerts++;
        firstTrue ??= at;
      } else falseAlerts++;
    }
    if (!failing || onsetMs === null || failureMs === null) continue;
    failures++;
    const mode = failureMode ?? 'unknown';
    const m = byMode.get(mode) ?? { n: 0, hit: 0 };
    m.n++;
    const windowMs = failureMs - onsetMs;
    if (firstTrue !== null) {
      detected++;
      m.hit++;
      leadHours.push((failureMs - firstTrue) / HOUR_MS);
      leadShare.push((failureMs - firstTrue) / windowMs);
    }
    byMode.set(mode, m);

    const half = onsetMs + windowMs / 2;
    let atHalf: { atMs: number; hours: number | null } | undefined;
    for (const r of o.rul) {
      if (r.atMs < onsetMs || r.atMs >= failureMs) continue;
      const truth = (failureMs - r.atMs) / HOUR_MS;
      if (r.hours !== null) {
        sq += ((r.hours - truth) / (windowMs / HOUR_MS)) ** 2;
        nsq++;
      }
      if (r.atMs <= half) atHalf = r;
    }
    if (atHalf?.hours !== null && atHalf !== undefined) {
      halfEstimates++;
      const truth = (failureMs - atHalf.atMs) / HOUR_MS;
      if (Math.abs((atHalf.hours ?? 0) - truth) <= 0.2 * truth) halfWithin++;
    }
  }
  leadHours.sort((a, b) => a - b);
  leadShare.sort((a, b) => a - b);
  const healthyDays = healthyMs / DAY_MS;
  return {
    failures,
    detected,
    recall: round(failures === 0 ? 1 : detected / failures) ?? 0,
    precision: round(trueAlerts + falseAlerts === 0 ? 1 : trueAlerts / (trueAlerts + falseAlerts)) ?? 0,
    alerts: { true: trueAlerts, false: falseAlerts, afterFailure },
    recallByMode: Object.fromEntries([...byMode].map(([k, v]) => [k, round(v.hit / v.n) ?? 0])),
    falseAlarmsPerHealthyDeviceDay: round(healthyDays === 0 ? 0 : falseAlerts / healthyDays, 4) ?? 0,
    healthyDeviceDays: round(healthyDays, 1) ?? 0,
    leadTimeHours: { median: round(quantile(leadHours, 0.5), 2), p10: round(quantile(leadHours, 0.1), 2) },
    leadTimeShare: { median: round(quantile(leadShare, 0.5)), p10: round(quantile(leadShare, 0.1)) },
    rul: {
      rmseShareOfWindow: round(nsq === 0 ? null : Math.sqrt(sq / nsq)),
      within20PctAtHalf: round(failures === 0 ? 0 : halfWithin / failures) ?? 0,
      estimatesAtHalf: halfEstimates,
    },
  };
}
