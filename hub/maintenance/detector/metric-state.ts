import { cusumCreate, cusumUpdate, type Cusum } from './cusum.js';
import type { DetectorParams } from './params.js';
import { FEATURE_PRIOR, type MetricProfile } from './profiles.js';
import { rlsCreate, rlsLeverage, rlsPredict, rlsUpdate, type Rls } from './rls.js';
import { alphaFor, ewmUpdate, type Ewm } from './smoothing.js';
import { trendAdd, trendCreate, type TrendSeries } from './trend.js';

/** What the detector remembers about one metric of one device. Plain data: it is snapshotted as JSON. */
export interface MetricState {
  /** Baseline of the transformed value as a function of the operating point. */
  baseline: Rls;
  /** Robust scale of the baseline residual (mean absolute deviation × √(π/2)). */
  scale: number;
  /** Smoothed residual: its level is the deviation from baseline, its variance the noise around it. */
  deviation: Ewm;
  cusum: Cusum;
  /** When the residual first left the clipping band, and on which side; null inside it. */
  excursionSinceMs: number | null;
  excursionSign: number;
  /** Bucket means of the degradation fraction over the trend window, in running time. */
  trend: TrendSeries;
}

/**
 * A reading far from the current level is clipped to `bound` until the excursion has lasted
 * `spikeMs` of device time: an isolated spike (a passing forklift) barely moves the level, a
 * lasting change (a step, a fast fault) gets through after that delay, whatever the sampling rate.
 */
function despike(s: MetricState, jump: number, bound: number, atMs: number, spikeMs: number): number {
  if (Math.abs(jump) <= bound) {
    s.excursionSinceMs = null;
    return jump;
  }
  const sign = Math.sign(jump);
  if (s.excursionSinceMs === null || s.excursionSign !== sign) {
    s.excursionSinceMs = atMs;
    s.excursionSign = sign;
  }
  return atMs - s.excursionSinceMs >= spikeMs ? jump : sign * bound;
}

function clamp(x: number, bound: number): number {
  return Math.min(bound, Math.max(-bound, x));
}

/** Bounds the regression's uncertainty when the load stays constant for days (covariance wind-up). */
const MAX_COEFFICIENT_VARIANCE = 100;

export function metricStateCreate(profile: MetricProfile): MetricState {
  return {
    baseline: rlsCreate(profile.features.map((f) => FEATURE_PRIOR[f])),
    scale: profile.initialScale,
    deviation: { level: 0, variance: profile.initialScale ** 2 },
    cusum: cusumCreate(),
    excursionSinceMs: null,
    excursionSign: 0,
    trend: trendCreate(),
  };
}

export function transformed(profile: MetricProfile, value: number): number {
  // A stopped or disconnected sensor reads 0; the floor keeps the logarithm finite.
  return profile.transform === 'log' ? Math.log(Math.max(value, 1e-3)) : value;
}

export interface MetricStep {
  /** Where the reading sits in the device's operating history. */
  features: readonly number[];
  value: number;
  atMs: number;
  /** The device's running clock: the trend of wear is kept in running time. */
  runMs: number;
  dtMs: number;
  /** During the baseline period every reading teaches the model and nothing alarms. */
  learning: boolean;
  /** The operating point is new to the baseline: teach it, but do not judge by it. */
  novel: boolean;
  trendWindowMs: number;
  /** The change may be taken for wear and the baseline held; false while it lacks corroboration. */
  mayHold: boolean;
}

export interface MetricReport {
  /** Degradation fraction: 0 at the device's baseline, 1 at the failure threshold. */
  degradation: number;
  /** Robust anomaly score of this reading, in scale units towards wear. */
  z: number;
}

/** Advances one metric by one reading. Deterministic and free of I/O; mutates `s`. */
export function metricStep(
  s: MetricState,
  profile: MetricProfile,
  step: MetricStep,
  p: DetectorParams,
): MetricReport {
  const y = transformed(profile, step.value);
  const predicted = rlsPredict(s.baseline, step.features);
  const residual = y - predicted;
  // The prediction's own uncertainty widens the band at operating points or times of day the
  // baseline has not seen yet, so those neither alarm nor are refused as lessons.
  const sigma = s.scale * Math.sqrt(1 + rlsLeverage(s.baseline, step.features));
  const level = s.deviation.level;
  const clipped = despike(s, residual - level, p.clip * sigma, step.atMs, p.spikeMs) + level;
  const z = (profile.direction * clipped) / sigma;

  // Once a confirmed change has grown beyond noise the baseline must not follow the wear, and
  // the residual is wear, not noise. A smaller alarm may come from a baseline learnt from too
  // little, which only more teaching mends.
  const wearing = step.mayHold && s.cusum.alarm && degradationOf(profile, level) >= p.freezeDegradation;
  if (step.learning || step.novel || !wearing) teach(s, y, predicted, sigma, step, p);
  if (!wearing) learnScale(s, profile, Math.abs(residual) / sigma, step, p);

  // One reading stands for at most `maxEvidenceMs` of device time: a device that reports once an
  // hour gives one noisy sample, not an hour of averaged evidence.
  const evidenceMs = Math.min(step.dtMs, p.maxEvidenceMs);
  if (step.learning) {
    ewmUpdate(s.deviation, 0, alphaFor(evidenceMs, p.smoothTauMs));
    return { degradation: 0, z: 0 };
  }
  if (step.novel) return { degradation: degradationOf(profile, s.deviation.level), z: 0 };
  ewmUpdate(s.deviation, clipped, alphaFor(evidenceMs, p.smoothTauMs));
  cusumUpdate(s.cusum, z, evidenceMs / HOUR_MS, step.atMs, p.cusum);
  trendAdd(s.trend, step.runMs, degradationOf(profile, clipped), p.bucketMs, step.trendWindowMs);
  return { degradation: degradationOf(profile, s.deviation.level), z };
}

const HOUR_MS = 3_600_000;

function degradationOf(profile: MetricProfile, deviation: number): number {
  return (profile.direction * deviation) / profile.failureDelta;
}

/**
 * After its baseline period the baseline learns through a Huber-clipped residual: a fault moves
 * it by a bounded amount per reading, while a new operating point, where the regression's gain
 * is high, is learnt quickly. Skipping unusual readings instead would trap a baseline learnt
 * from a narrow load range in permanent alarm.
 */
function teach(
  s: MetricState,
  y: number,
  predicted: number,
  sigma: number,
  step: MetricStep,
  p: DetectorParams,
): void {
  const free = step.learning || step.novel;
  const target = free ? y : predicted + clamp(y - predicted, p.teachZ * sigma);
  const lambda = step.learning ? 1 : Math.exp(-step.dtMs / p.forgetTauMs);
  rlsUpdate(s.baseline, step.features, target, lambda, MAX_COEFFICIENT_VARIANCE);
}

/** Clipped rather than gated, so a scale learnt too small from a short baseline still grows. */
function learnScale(
  s: MetricState,
  profile: MetricProfile,
  zAbs: number,
  step: MetricStep,
  p: DetectorParams,
): void {
  const alpha = alphaFor(step.dtMs, step.learning ? p.smoothTauMs : p.scaleTauMs);
  const absDev = Math.min(zAbs, p.gateZ) * s.scale * Math.sqrt(Math.PI / 2);
  s.scale = Math.max(profile.minScale, s.scale + alpha * (absDev - s.scale));
}
