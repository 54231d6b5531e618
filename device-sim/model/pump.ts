import { METRICS, type Metrics } from '../../contracts/index.js';
import type { Rng } from '../prng.js';
import type { Symptoms } from './degradation.js';
import { roundTo } from './round.js';
import type { PumpRatings } from './types.js';

export const PUMP_TEMPERATURE_TAU_MS = 20 * 60_000;

export function pumpTemperatureTarget(r: PumpRatings, load: number, ambientC: number, sym: Symptoms): number {
  return ambientC + r.temperatureRiseC * (0.3 + 0.7 * load) * sym.coolingFactor + sym.temperatureRiseC;
}

/**
 * Centrifugal pump with a throttled duty point: flow follows load, head falls less than flow. A
 * leak's bypass flow is approximated by its effect on each reading.
 */
export function pumpRunning(r: PumpRatings, load: number, sym: Symptoms, spike: number, noise: Rng): Metrics {
  const leak = sym.leakShare;
  const flow = r.flowM3h * load * sym.flowFactor * (1 - 0.2 * leak);
  const pressure = r.pressureBar * (0.55 + 0.45 * load) * sym.pressureFactor * (1 - 0.7 * leak);
  const current = r.currentA * (0.25 + 0.75 * load) * sym.currentFactor * (1 + 0.45 * leak);
  const vibration = r.vibrationMmS * (0.7 + 0.3 * load) * sym.vibrationFactor * spike;
  return {
    [METRICS.vibration]: roundTo(vibration * Math.exp(noise.gaussian(0, 0.06)), 3),
    [METRICS.current]: roundTo(Math.max(0, current + noise.gaussian(0, 0.015 * r.currentA)), 2),
    [METRICS.pressure]: roundTo(Math.max(0, pressure + noise.gaussian(0, 0.01 * r.pressureBar)), 3),
    [METRICS.flow]: roundTo(Math.max(0, flow + noise.gaussian(0, 0.015 * r.flowM3h)), 2),
  };
}

export function pumpStopped(r: PumpRatings, noise: Rng): Metrics {
  return {
    [METRICS.vibration]: roundTo(Math.abs(noise.gaussian(0.03, 0.01)), 3),
    [METRICS.current]: 0,
    [METRICS.pressure]: roundTo(Math.max(0, noise.gaussian(0.02 * r.pressureBar, 0.005 * r.pressureBar)), 3),
    [METRICS.flow]: 0,
  };
}
