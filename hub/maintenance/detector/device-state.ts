import { NO_ALERT, nextAlert, type AlertChange, type AlertState } from './alert-state.js';
import { metricStateCreate, metricStep, type MetricState } from './metric-state.js';
import {
  featureValues,
  operatingPointCreate,
  operatingPointStep,
  type OperatingPoint,
} from './operating-point.js';
import type { DetectorParams } from './params.js';
import type { MachineProfile, MachineType, MetricProfile } from './profiles.js';
import { nextRul, rulAt, type RulCandidate, type RulEstimate } from './rul.js';
import { holtUpdate, type Holt } from './smoothing.js';

/** Bump when the state's shape or meaning changes: older snapshots are then started afresh. */
export const DEVICE_STATE_VERSION = 1;

/** Everything the detector remembers about one device: plain data, snapshotted as JSON. */
export interface DeviceState {
  version: typeof DEVICE_STATE_VERSION;
  deviceId: string;
  machineType: MachineType;
  firstMs: number;
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

export function deviceStateCreate(deviceId: string, machineType: MachineType, atMs: number): DeviceState {
  return {
    version: DEVICE_STATE_VERSION,
    deviceId,
    machineType,
    firstMs: atMs,
    lastMs: null,
    point: operatingPointCreate(),
    metrics: {},
    values: {},
    health: 1,
    driver: null,
    rul: null,
    alert: NO_ALERT,
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

  const learning = atMs - s.firstMs < profile.baselineMs;
  const point = operatingPointStep(
    s.point,
    values[profile.loadMetric],
    dtMs,
    profile,
    params.stoppedFraction,
    learning,
  );
  // A stopped machine says nothing about its wear: health and alerts hold until it runs again.
  if (!point.running)
    return assessment(s, profile, atMs, { running: false, learning, anomaly: 0, change: null });

  let anomaly = 0;
  let worst: RulCandidate | null = null;
  const candidates: RulCandidate[] = [];
  for (const mp of profile.metrics) {
    const value = values[mp.metric];
    if (value === undefined) continue;
    const ms = (s.metrics[mp.metric] ??= metricStateCreate(mp));
    const report = metricStep(
      ms,
      mp,
      {
        features: featureValues(mp.features, s.point, atMs, s.firstMs),
        value,
        atMs,
        dtMs,
        learning: atMs - s.firstMs < mp.learningMs,
        novel: point.novel,
        trendWindowMs: profile.trendWindowMs,
      },
      params,
    );
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
  s.rul = nextRul(s.rul, candidates, atMs, params);
  const next = nextAlert(
    s.alert,
    {
      atMs,
      health: s.health,
      rulHours: rulAt(s.rul, atMs),
      changeConfirmed: worst?.state.cusum.alarm ?? false,
    },
    profile.alerts,
  );
  s.alert = next.state;
  return assessment(s, profile, atMs, { running: true, learning, anomaly, change: next.change });
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
    rulHours: rulAt(s.rul, atMs),
    driver: s.driver,
    running: extra.running,
    learning: extra.learning,
    metrics,
    alert: s.alert,
    change: extra.change,
  };
}
