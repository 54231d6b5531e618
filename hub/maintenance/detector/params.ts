import type { CusumParams } from './cusum.js';
import type { WanderParams } from './wander.js';

/** Settings shared by every machine type; tuned with `npm run eval:maintenance`. */
export interface DetectorParams {
  /** Time constant of the smoothed deviation that health is computed from. */
  smoothTauMs: number;
  /** Device time one reading can stand for in the smoothed deviation and the change detector. */
  maxEvidenceMs: number;
  /** Time constant of the residual scale once the baseline is learnt. */
  scaleTauMs: number;
  /** Memory of the baseline regression: slow changes (sensor drift, seasons) are followed. */
  forgetTauMs: number;
  /** Robust clipping of a reading's residual around the current level, in sigmas... */
  clip: number;
  /** ...until the excursion has lasted this long in device time (longer than a decoy spike). */
  spikeMs: number;
  /** The residual the baseline learns from is clipped at this many sigmas (Huber's 1.345). */
  teachZ: number;
  /** The residual scale learns only from readings within this many sigmas. */
  gateZ: number;
  /** The baseline stops learning once a confirmed change is this far towards failure. */
  freezeDegradation: number;
  cusum: CusumParams;
  bucketMs: number;
  minTrendPoints: number;
  /** A trend is extrapolated only once the driving metric is this far towards failure. */
  minRulDegradation: number;
  /** Metrics at least this share as far towards failure as the worst one blend into the RUL. */
  rulShare: number;
  /** The machine counts as stopped below this fraction of its usual load metric. */
  stoppedFraction: number;
  /** A temperature rise (°C) alerts on its own only from here; below, another metric must confirm. */
  temperatureAloneC: number;
  /** Uncorroborated, the temperature baseline is held (the change taken for wear) only from this rise, °C. */
  temperatureHoldC: number;
  /** A metric confirms another's change when its own alarm is at least this far towards failure. */
  corroborationDegradation: number;
  /** A machine whose temperature has shown it wanders little may be judged by temperature sooner. */
  wander: WanderParams;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_PARAMS: DetectorParams = {
  smoothTauMs: 45 * MINUTE,
  maxEvidenceMs: 20 * MINUTE,
  scaleTauMs: 12 * HOUR,
  forgetTauMs: 14 * 24 * HOUR,
  clip: 3,
  spikeMs: 10 * MINUTE,
  teachZ: 1.345,
  gateZ: 3,
  freezeDegradation: 0.05,
  cusum: { k: 1, h: 3, cap: 12 },
  bucketMs: 15 * MINUTE,
  minTrendPoints: 6,
  minRulDegradation: 0.05,
  rulShare: 0.5,
  stoppedFraction: 0.2,
  temperatureAloneC: 8,
  temperatureHoldC: 8,
  corroborationDegradation: 0.05,
  wander: { minDays: 3, keepDays: 7, factor: 3, floorC: 5.5 },
};

// Current, vibration and pressure are close to linear in load over the working range, and a
// quadratic learnt from a few hours of narrow load extrapolates badly; motor heat follows I²R.
