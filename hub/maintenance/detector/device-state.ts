import { NO_ALERT, nextAlert, type AlertChange, type AlertState } from './alert-state.js';
import { metricStateCreate, metricStep, type MetricState } from './metric-state.js';
import {
  featureValues,
  operatingPointCreate,
  operatingPointStep,
  type OperatingPoint,
} from './operating-point.js';
import type { DetectorParams } from './params.js';
import { METRICS, type MachineProfile, type MachineType, type MetricProfile } from './profiles.js';
import { nextRul, rulAt, type RulCandidate, type RulEstimate } from './rul.js';
import { alphaFor, holtUpdate, type Holt } from './smoothing.js';
import { temperatureAloneC, wanderCreate, wanderStep, type TemperatureWander } from './wander.js';

/** Bump when the state's shape or meaning changes: older snapshots are then started afresh. */
export const DEVICE_STATE_VERSION = 2;

/** Everything the detector remembers about one device: plain data, snapshotted as JSON. */
export interface DeviceState {
  version: typeof DEVICE_STATE_VERSION;
  deviceId: string;
  machineType: MachineType;
  firstMs: number;
  /**
   * Running time seen so far: baselines are learnt over running time, so a machine first seen
   * during a weekend stop still learns from its first shift; wear trends are kept in it too.
   */
  runMs: number;
  /** Device time of the last reading taken into account; null before the first. */
  lastMs: number | null;
  point: OperatingPoint;
  /** Health models of the metrics the machine profile watches. */
  metrics: Record<string, MetricState>;
  /** Every metric the device reports, smoothed, with its slope per hour: what operators see. */
  values: Record<string, Holt>;
  health: number;
  driver: string | null;
  rul: RulEstimate | null;
  alert: AlertState;
  /** How far temperature wandered on healthy days. */
  wander: TemperatureWander;
  /** Share of device time the machine has been running, smoothed over days. */
  dutyShare: number;
}

export interface MetricAssessment {
  smoothed: number;
  trendPerHour: number;
  /** 0 at the device's baseline, 1 at the failure threshold; absent for metrics not modelled. */
  degradation?: number;
}

/** What one reading told the detector about its device. */
export interface Assessment {
  deviceId: string;
  machineType: MachineType;
  atMs: number;
  health: number;
  /** Largest robust anomaly score among the metrics, in scale units towards wear. */
  anomaly: number;
  rulHours: number | null;
  /** The metric furthest towards its failure threshold. */
  driver: string | null;
  running: boolean;
  learning: boolean;
  metrics: Record<string, MetricAssessment>;
  alert: AlertState;
  change: AlertChange | null;
}

/** Duty is judged over a few days: a weekend stop or a night shift moves it, one short stop hardly. */
const DUTY_TAU_MS = 3 * 86_400_000;

export function deviceStateCreate(deviceId: string, machineType: MachineType, atMs: number): DeviceState {
  return {
    version: DEVICE_STATE_VERSION,
    deviceId,
    machineType,
    firstMs: atMs,
    runMs: 0,
    lastMs: null,
    point: operatingPointCreate(),
    metrics: {},
    values: {},
    health: 1,
    driver: null,
    rul: null,
    alert: NO_ALERT,
    wander: wanderCreate(),
    dutyShare: 1,
  };
}

/**
 * Advances a device by one reading, in device time. Deterministic and free of I/O; mutates `s`.
 * A reading not newer than the last one seen (a replay, a duplicate) changes nothing and
 * returns null, which is what makes reprocessing Kafka after a restart safe.
 */
export function observe(
  s: DeviceState,
  atMs: number,
  values: Readonly<Record<string, number>>,
  profile: MachineProfile,
  params: DetectorParams,
): Assessment | null {
  if (s.lastMs !== null && atMs <= s.lastMs) return null;
  const dtMs = s.lastMs === null ? 0 : atMs - s.lastMs;
  s.lastMs = atMs;
  for (const [metric, value] of Object.entries(values)) {
    const held = s.values[metric];
    if (held === undefined) s.values[metric] = { level: value, slopePerHour: 0 };
    else holtUpdate(held, value, dtMs, params.smoothTauMs, 4 * params.smoothTauMs);
  }

  const ranMs = s.runMs;
  let learning = ranMs < profile.baselineMs;
  const point = operatingPointStep(
    s.point,
    values[profile.loadMetric],
    dtMs,
    profile,
    params.stoppedFraction,
    learning,
    atMs,
  );
  s.dutyShare += alphaFor(dtMs, DUTY_TAU_MS) * ((point.running ? 1 : 0) - s.dutyShare);
  if (point.rebased === true) {
    // Baselines taught by a stopped machine's readings describe no working state: start again.
    s.metrics = {};
    s.wander = wanderCreate();
    s.firstMs = atMs;
    s.runMs = 0;
    learning = true;
  }
  // A stopped machine says nothing about its wear: health and alerts hold until it runs again.
  if (!point.running) {
    s.runMs = point.rebased === true ? 0 : ranMs;
    return assessment(s, profile, atMs, { running: false, learning, anomaly: 0, change: null });
  }
  s.runMs = (point.rebased === true ? 0 : ranMs) + dtMs;

  // Temperature alone may be weather: its baseline keeps learning (slowly, clipped) unless another
  // metric confirms a change or the rise is beyond what weather does.
  const corroborated = profile.metrics.some((mp) => {
    const ms = s.metrics[mp.metric];
    return (
      mp.metric !== METRICS.temperature &&
      ms !== undefined &&
      ms.cusum.alarm &&
      degradationOf(mp, ms) >= params.corroborationDegradation
    );
  });
  const holdC = temperatureAloneC(s.wander, params.temperatureHoldC, params.wander);
  let anomaly = 0;
  let worst: RulCandidate | null = null;
  const candidates: RulCandidate[] = [];
  for (const mp of profile.metrics) {
    const value = values[mp.metric];
    if (value === undefined) continue;
    const ms = (s.metrics[mp.metric] ??= metricStateCreate(mp));
    if (point.settling === true && mp.metric === METRICS.temperature) {
      // Still warming up after a stop: keep what is known, learn and judge nothing.
      candidates.push({ profile: mp, state: ms, degradation: degradationOf(mp, ms) });
      continue;
    }
    const report = metricStep(
      ms,
      mp,
      {
        features: featureValues(mp.features, s.point, atMs, s.firstMs),
        value,
        atMs,
        runMs: s.runMs,
        dtMs,
        learning: s.runMs < mp.learningMs,
        novel: point.novel,
        trendWindowMs: profile.trendWindowMs,
        mayHold:
          mp.metric !== METRICS.temperature || corroborated || mp.direction * ms.deviation.level >= holdC,
      },
      params,
    );
    if (mp.metric === METRICS.temperature && s.runMs >= mp.learningMs) {
      wanderStep(s.wander, ms.deviation.level, atMs, s.firstMs, params.wander.keepDays);
    }
    anomaly = Math.max(anomaly, report.z);
    const candidate = { profile: mp, state: ms, degradation: report.degradation };
    candidates.push(candidate);
    if (worst === null || candidate.degradation > worst.degradation) worst = candidate;
  }
  if (learning) {
    s.health = 1;
    s.driver = null;
    s.rul = null;
    return assessment(s, profile, atMs, { running: true, learning, anomaly, change: null });
  }
  s.health = Math.min(1, Math.max(0, 1 - (worst?.degradation ?? 0)));
  s.driver = worst?.profile.metric ?? null;
  s.rul = nextRul(s.rul, candidates, s.runMs, params);
  const evidence = alertEvidence(
    candidates,
    params,
    temperatureAloneC(s.wander, params.temperatureAloneC, params.wander),
    s.alert.severity !== null,
    profile.alerts.warningHealth,
  );
  const superseding = supersedingCause(s, candidates, profile);
  const next = nextAlert(
    superseding === null ? s.alert : NO_ALERT,
    {
      atMs,
      health: evidence.health,
      rulHours: rulAt(s.rul, s.runMs, s.dutyShare),
      changeConfirmed: evidence.confirmed || superseding !== null,
    },
    profile.alerts,
  );
  s.alert =
    next.change?.type === 'opened' ? { ...next.state, metric: superseding ?? evidence.driver } : next.state;
  return assessment(s, profile, atMs, { running: true, learning, anomaly, change: next.change });
}

/**
 * What the alert is decided on. Temperature alone is weak evidence: weather moves an outdoor
 * machine by several degrees for a day or two, which the daily cycle does not explain. It counts
 * only when another metric confirms a change too, or once the rise exceeds what weather does.
 */
function alertEvidence(
  candidates: readonly RulCandidate[],
  p: DetectorParams,
  aloneC: number,
  open: boolean,
  warningHealth: number,
): { health: number; confirmed: boolean; driver: string | null } {
  // An open alert clears on all the evidence, or it would flap at the threshold.
  const corroborated =
    open ||
    candidates.some(
      (c) =>
        c.profile.metric !== METRICS.temperature &&
        c.state.cusum.alarm &&
        c.degradation >= p.corroborationDegradation,
    );
  let worst: RulCandidate | null = null;
  // The driver's own change detector may lag another's that is as far gone (after a restart).
  let confirmedElsewhere = false;
  for (const c of candidates) {
    const alone =
      c.profile.metric === METRICS.temperature &&
      !corroborated &&
      c.degradation * c.profile.failureDelta < aloneC;
    if (alone) continue;
    if (c.state.cusum.alarm && 1 - c.degradation <= warningHealth) confirmedElsewhere = true;
    if (worst === null || c.degradation > worst.degradation) worst = c;
  }
  return {
    health: Math.min(1, Math.max(0, 1 - (worst?.degradation ?? 0))),
    confirmed: (worst?.state.cusum.alarm ?? false) || confirmedElsewhere,
    driver: worst?.profile.metric ?? null,
  };
}

/**
 * An open alert whose cause has let go, or was temperature alone, may be hiding a real fault:
 * when another metric confirms a change of its own that reaches the warning level, it is
 * announced as a new alert. Returns that metric.
 */
function supersedingCause(
  s: DeviceState,
  candidates: readonly RulCandidate[],
  profile: MachineProfile,
): string | null {
  const cause = s.alert.metric;
  if (s.alert.severity === null || cause === undefined || cause === null) return null;
  // Temperature alone is the weak cause (weather), so a confirmed change elsewhere always counts.
  if (cause !== METRICS.temperature && s.metrics[cause]?.cusum.alarm === true) return null;
  let next: RulCandidate | null = null;
  for (const c of candidates) {
    if (c.profile.metric === cause || !c.state.cusum.alarm) continue;
    if (1 - c.degradation > profile.alerts.warningHealth) continue;
    if (next === null || c.degradation > next.degradation) next = c;
  }
  return next?.profile.metric ?? null;
}

function degradationOf(mp: MetricProfile, ms: MetricState): number {
  return (mp.direction * ms.deviation.level) / mp.failureDelta;
}

function assessment(
  s: DeviceState,
  profile: MachineProfile,
  atMs: number,
  extra: { running: boolean; learning: boolean; anomaly: number; change: AlertChange | null },
): Assessment {
  const metrics: Record<string, MetricAssessment> = {};
  for (const [metric, held] of Object.entries(s.values)) {
    const mp = profile.metrics.find((m) => m.metric === metric);
    const ms = s.metrics[metric];
    metrics[metric] = {
      smoothed: held.level,
      trendPerHour: held.slopePerHour,
      ...(mp === undefined || ms === undefined ? {} : { degradation: degradationOf(mp, ms) }),
    };
  }
  return {
    deviceId: s.deviceId,
    machineType: s.machineType,
    atMs,
    health: s.health,
    anomaly: extra.anomaly,
    rulHours: rulAt(s.rul, s.runMs, s.dutyShare),
    driver: s.driver,
    running: extra.running,
    learning: extra.learning,
    metrics,
    alert: s.alert,
    change: extra.change,
  };
}
