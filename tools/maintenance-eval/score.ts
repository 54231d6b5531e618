import type { GroundTruth } from '../../device-sim/index.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WORST_LISTED = 5;

/** What one detector did with one device over the run. */
export interface DeviceOutcome {
  truth: GroundTruth;
  /** Device times at which an alert opened (warning or critical). */
  alertsOpenedMs: number[];
  /** RUL estimates (hours) during the degradation window, with the device time they were made. */
  rul: { atMs: number; hours: number | null }[];
}

/** One device's outcome reduced to what the figures need, so runs can be pooled exactly. */
export interface DeviceScore {
  deviceId: string;
  /** Which run (matrix cell) the device was in, when runs are pooled. */
  cell?: string;
  failureMode: string | null;
  /** The device failed inside the run. */
  failing: boolean;
  healthyMs: number;
  trueAlerts: number;
  falseAlerts: number;
  afterFailure: number;
  /** Failure time − first true alert, and the degradation window it is a share of. */
  leadMs: number | null;
  windowMs: number | null;
  /** Sum of squared (estimate − truth) / window over the device's estimates, and their count. */
  rulSquares: number;
  rulEstimates: number;
  /** (estimate − truth) / truth of the last estimate at or before half-way; null: none then. */
  atHalfError: number | null;
}

export interface WorstRul {
  deviceId: string;
  cell?: string;
  failureMode: string | null;
  /** RMSE of this device's estimates as a share of its window. */
  rmseShareOfWindow: number | null;
  atHalfError: number | null;
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
    /** Median over failing devices of each one's own RMSE: one wild device cannot move it. */
    medianDeviceRmse: number | null;
    /** Share of failures whose estimate at half-way was within ±20% of the truth. */
    within20PctAtHalf: number;
    estimatesAtHalf: number;
    /** Failing devices that never had an RUL estimate. */
    failuresWithoutEstimate: number;
    /** Failing devices with the largest RUL error, worst first. */
    worst: WorstRul[];
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
 * An alert opened between onset and failure of a failing device is a true alert; any other
 * before the failure is false; after the failure the machine has stopped and the failure event
 * says so already, so those are counted apart.
 */
export function scoreDevice(o: DeviceOutcome, startMs: number, endMs: number, cell?: string): DeviceScore {
  const { onsetMs, failureMs } = o.truth;
  const failing = onsetMs !== null && failureMs !== null && failureMs <= endMs;
  const healthyUntil = onsetMs === null ? endMs : Math.min(endMs, onsetMs);
  const s: DeviceScore = {
    deviceId: o.truth.deviceId,
    failureMode: o.truth.failureMode,
    failing,
    healthyMs: Math.max(0, healthyUntil - startMs),
    trueAlerts: 0,
    falseAlerts: 0,
    afterFailure: 0,
    leadMs: null,
    windowMs: null,
    rulSquares: 0,
    rulEstimates: 0,
    atHalfError: null,
  };
  if (cell !== undefined) s.cell = cell;
  let firstTrue: number | null = null;
  for (const at of o.alertsOpenedMs) {
    if (failureMs !== null && at >= failureMs) s.afterFailure++;
    else if (onsetMs !== null && at >= onsetMs) {
      s.trueAlerts++;
      firstTrue ??= at;
    } else s.falseAlerts++;
  }
  if (!failing || onsetMs === null || failureMs === null) return s;
  const windowMs = failureMs - onsetMs;
  s.windowMs = windowMs;
  if (firstTrue !== null) s.leadMs = failureMs - firstTrue;
  const half = onsetMs + windowMs / 2;
  let atHalf: { atMs: number; hours: number | null } | undefined;
  for (const r of o.rul) {
    if (r.atMs < onsetMs || r.atMs >= failureMs) continue;
    const truth = (failureMs - r.atMs) / HOUR_MS;
    if (r.hours !== null) {
      s.rulSquares += ((r.hours - truth) / (windowMs / HOUR_MS)) ** 2;
      s.rulEstimates++;
    }
    if (r.atMs <= half) atHalf = r;
  }
  if (atHalf !== undefined && atHalf.hours !== null) {
    const truth = (failureMs - atHalf.atMs) / HOUR_MS;
    s.atHalfError = (atHalf.hours - truth) / truth;
  }
  return s;
}

/** The figures of any set of device scores: one run, or several pooled device by device. */
export function aggregate(scores: readonly DeviceScore[], worstListed = WORST_LISTED): Figures {
  let failures = 0;
  let detected = 0;
  let trueAlerts = 0;
  let falseAlerts = 0;
  let afterFailure = 0;
  let healthyMs = 0;
  let sq = 0;
  let nsq = 0;
  let halfWithin = 0;
  let halfEstimates = 0;
  const leadHours: number[] = [];
  const leadShare: number[] = [];
  const deviceRmse: number[] = [];
  const byMode = new Map<string, { n: number; hit: number }>();
  const worst: WorstRul[] = [];

  for (const s of scores) {
    healthyMs += s.healthyMs;
    trueAlerts += s.trueAlerts;
    falseAlerts += s.falseAlerts;
    afterFailure += s.afterFailure;
    if (!s.failing || s.windowMs === null) continue;
    failures++;
    const m = byMode.get(s.failureMode ?? 'unknown') ?? { n: 0, hit: 0 };
    m.n++;
    if (s.leadMs !== null) {
      detected++;
      m.hit++;
      leadHours.push(s.leadMs / HOUR_MS);
      leadShare.push(s.leadMs / s.windowMs);
    }
    byMode.set(s.failureMode ?? 'unknown', m);
    sq += s.rulSquares;
    nsq += s.rulEstimates;
    const rmse = s.rulEstimates === 0 ? null : Math.sqrt(s.rulSquares / s.rulEstimates);
    if (rmse !== null) deviceRmse.push(rmse);
    if (s.atHalfError !== null) {
      halfEstimates++;
      if (Math.abs(s.atHalfError) <= 0.2) halfWithin++;
    }
    const w: WorstRul = {
      deviceId: s.deviceId,
      failureMode: s.failureMode,
      rmseShareOfWindow: round(rmse),
      atHalfError: round(s.atHalfError),
    };
    if (s.cell !== undefined) w.cell = s.cell;
    worst.push(w);
  }
  leadHours.sort((a, b) => a - b);
  leadShare.sort((a, b) => a - b);
  deviceRmse.sort((a, b) => a - b);
  // The devices that weigh most in the pooled RMSE; devices without estimates are counted apart.
  worst.sort((a, b) => (b.rmseShareOfWindow ?? -1) - (a.rmseShareOfWindow ?? -1));
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
      medianDeviceRmse: round(quantile(deviceRmse, 0.5)),
      within20PctAtHalf: round(failures === 0 ? 0 : halfWithin / failures) ?? 0,
      estimatesAtHalf: halfEstimates,
      failuresWithoutEstimate: failures - deviceRmse.length,
      worst: worst.filter((w) => w.rmseShareOfWindow !== null).slice(0, worstListed),
    },
  };
}

/** Scores one run's outcomes against ground truth. */
export function score(outcomes: readonly DeviceOutcome[], startMs: number, endMs: number): Figures {
  return aggregate(outcomes.map((o) => scoreDevice(o, startMs, endMs)));
}
