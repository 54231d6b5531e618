import type { Symptoms } from './degradation.js';
import type { FaultShape } from './types.js';

export const DEFAULT_SHAPE: FaultShape = { severity: 1, rate: 1, knee: 0.7, step: 0.4 };

/** Share of the slow phase's rise reached at the knee. */
const PRE_KNEE_SHARE = 0.15;

/** 0..1 along e^(rate·p), a pure exponential in log space when rate is 0. */
export function exponentialShare(p: number, rate: number): number {
  return rate < 1e-3 ? p : Math.expm1(rate * p) / Math.expm1(rate);
}

/** A slow straight rise to the knee, then a steep quadratic one to failure. */
export function kneeShare(p: number, knee: number): number {
  if (p <= knee) return (PRE_KNEE_SHARE * p) / knee;
  return PRE_KNEE_SHARE + (1 - PRE_KNEE_SHARE) * ((p - knee) / (1 - knee)) ** 2;
}

/** A jump at onset, then a straight drift to failure. */
export function stepDriftShare(p: number, step: number): number {
  return p <= 0 ? 0 : step + (1 - step) * p;
}

type ExtendedMode =
  'bearing_spall' | 'lubrication_loss' | 'loose_mount' | 'leak' | 'winding_short' | 'cooling_fouling';

export function extendedSymptoms(base: Symptoms, mode: ExtendedMode, p: number, shape: FaultShape): Symptoms {
  const s = shape.severity;
  switch (mode) {
    case 'bearing_spall': {
      const d = exponentialShare(p, shape.rate);
      return {
        ...base,
        vibrationFactor: (1 + 6 * s) ** d,
        temperatureRiseC: 8 * s * d,
        currentFactor: 1 + 0.03 * d,
      };
    }
    case 'lubrication_loss': {
      const d = kneeShare(p, shape.knee);
      return {
        ...base,
        vibrationFactor: 1 + 5 * s * d,
        temperatureRiseC: 14 * s * d,
        currentFactor: 1 + 0.05 * s * d,
      };
    }
    case 'loose_mount':
      return { ...base, vibrationFactor: 1 + 4 * s * stepDriftShare(p, shape.step) };
    case 'leak':
      return { ...base, leakShare: 0.45 * s * p ** 1.5, vibrationFactor: 1 + 0.2 * s * p };
    case 'winding_short': {
      // An inter-turn short shows at once as a little extra current, then burns outwards.
      const d = p <= 0 ? 0 : 0.1 + 0.9 * p ** 2;
      return {
        ...base,
        currentFactor: 1 + 0.15 * s * d,
        temperatureRiseC: 30 * s * p ** 2.5,
        vibrationFactor: 1 + 0.3 * s * p,
      };
    }
    case 'cooling_fouling':
      // The heat path clogs: the rise over ambient grows, in proportion to what the load produces.
      return { ...base, coolingFactor: 1 + 0.9 * s * p ** 1.3 };
  }
}
