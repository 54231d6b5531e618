import { METRICS, type Metrics } from '../../contracts/index.js';
import type { Rng } from '../prng.js';
import type { Symptoms } from './degradation.js';
import { roundTo } from './round.js';
import type { MotorRatings } from './types.js';

export const MOTOR_TEMPERATURE_TAU_MS = 30 * 60_000;

// Copper losses grow with the square of current, so winding heat rises with load squared.
export function motorTemperatureTarget(
  r: MotorRatings,
  load: number,
  ambientC: number,
  sym: Symptoms,
): number {
  return ambientC + r.temperatureRiseC * (0.2 + 0.8 * load * load) * sym.coolingFactor + sym.temperatureRiseC;
}

/** Induction motor: speed sags with slip under load, current has a no-load magnetising part. */
export function motorRunning(
  r: MotorRatings,
  load: number,
  sym: Symptoms,
  spike: number,
  noise: Rng,
): Metrics {
  const speed = r.syncRpm * (1 - r.slip * load);
  const current = r.currentA * (0.35 + 0.65 * load) * sym.currentFactor;
  const vibration = r.vibrationMmS * (0.75 + 0.25 * load) * sym.vibrationFactor * spike;
  return {
    [METRICS.vibration]: roundTo(vibration * Math.exp(noise.gaussian(0, 0.06)), 3),
    [METRICS.current]: roundTo(Math.max(0, current + noise.gaussian(0, 0.015 * r.currentA)), 2),
    [METRICS.speed]: roundTo(speed + noise.gaussian(0, 2), 1),
  };
}

export function motorStopped(noise: Rng): Metrics {
  return {
    [METRICS.vibration]: roundTo(Math.abs(noise.gaussian(0.02, 0.01)), 3),
    [METRICS.current]: 0,
    [METRICS.speed]: 0,
  };
}
