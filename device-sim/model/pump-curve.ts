import { METRICS, type Metrics } from '../../contracts/index.js';
import type { Rng } from '../prng.js';
import type { Symptoms } from './degradation.js';
import { roundTo } from './round.js';
import type { PumpCurve, PumpRatings } from './types.js';

/** No-load losses (friction, magnetising) as a share of shaft power at the rated point. */
const NO_LOAD_POWER_SHARE = 0.15;

/** Head at total flow share q (1 = rated): shut-off head H0 minus k·q², rated pressure at q = 1. */
export function headBar(r: PumpRatings, curve: PumpCurve, q: number): number {
  const shutOff = r.pressureBar / (1 - curve.headDrop);
  return shutOff * (1 - curve.headDrop * q * q);
}

/**
 * Shaft power as a share of its rated value: hydraulic power (flow × head) over an efficiency
 * that peaks at the rated point, plus the no-load losses.
 */
export function shaftPowerShare(curve: PumpCurve, q: number): number {
  const hydraulic = (q * (1 - curve.headDrop * q * q)) / (1 - curve.headDrop);
  const efficiency = Math.max(0.3, 1 - 0.5 * (q - 1) ** 2);
  return NO_LOAD_POWER_SHARE + ((1 - NO_LOAD_POWER_SHARE) * Math.max(0, hydraulic)) / efficiency;
}

/** Total flow through the pump: what the process draws plus what a leak bypasses. */
function totalFlowShare(load: number, sym: Symptoms): number {
  return load + sym.leakShare;
}

export function pumpCurveTemperatureTarget(
  r: PumpRatings,
  curve: PumpCurve,
  load: number,
  ambientC: number,
  sym: Symptoms,
): number {
  const power = shaftPowerShare(curve, totalFlowShare(load, sym));
  return ambientC + r.temperatureRiseC * (0.3 + 0.7 * power) * sym.coolingFactor + sym.temperatureRiseC;
}

/**
 * A fixed-speed centrifugal pump throttled by the process: it sits on its head curve, so pressure
 * falls with the square of flow; current follows shaft power; vibration grows away from the
 * best-efficiency point. A leak upstream of the meter adds flow the meter does not see.
 */
export function pumpOnCurve(
  r: PumpRatings,
  curve: PumpCurve,
  load: number,
  sym: Symptoms,
  spike: number,
  noise: Rng,
): Metrics {
  const q = totalFlowShare(load, sym);
  const flow = r.flowM3h * load * (1 - 0.2 * sym.leakShare) * sym.flowFactor;
  const pressure = headBar(r, curve, q) * sym.pressureFactor;
  const current = r.currentA * (0.25 + 0.75 * shaftPowerShare(curve, q)) * sym.currentFactor;
  const offDesign = 1 + 0.8 * (q - 1) ** 2;
  const vibration = r.vibrationMmS * (0.7 + 0.3 * load) * offDesign * sym.vibrationFactor * spike;
  return {
    [METRICS.vibration]: roundTo(vibration * Math.exp(noise.gaussian(0, 0.06)), 3),
    [METRICS.current]: roundTo(Math.max(0, current + noise.gaussian(0, 0.015 * r.currentA)), 2),
    [METRICS.pressure]: roundTo(Math.max(0, pressure + noise.gaussian(0, 0.01 * r.pressureBar)), 3),
    [METRICS.flow]: roundTo(Math.max(0, flow + noise.gaussian(0, 0.015 * r.flowM3h)), 2),
  };
}
