import type { Metrics } from '../../contracts/index.js';
import type { Rng } from '../prng.js';
import type { Symptoms } from './degradation.js';
import { dutyRunning } from './duty.js';
import { MOTOR_TEMPERATURE_TAU_MS, motorRunning, motorStopped, motorTemperatureTarget } from './motor.js';
import { motorPhysicsTemperatureTarget, motorWithPhysics } from './motor-physics.js';
import { PUMP_TEMPERATURE_TAU_MS, pumpRunning, pumpStopped, pumpTemperatureTarget } from './pump.js';
import { pumpCurveTemperatureTarget, pumpOnCurve } from './pump-curve.js';
import { motorIdle, pumpIdle } from './stopped.js';
import type { DeviceSpec } from './types.js';

// Picks the physics a device runs on: the original models, or the ones its effects switch on.

/** Whether the process has the machine running now (always, without a duty cycle). */
export function processRunning(spec: DeviceSpec, atMs: number): boolean {
  const fx = spec.effects;
  return fx?.duty == null || dutyRunning(fx.duty, fx.site, spec.seed, atMs);
}

export function temperatureTarget(spec: DeviceSpec, load: number, ambient: number, sym: Symptoms): number {
  switch (spec.machineType) {
    case 'pump': {
      const curve = spec.effects?.pumpCurve ?? null;
      return curve === null
        ? pumpTemperatureTarget(spec.ratings, load, ambient, sym)
        : pumpCurveTemperatureTarget(spec.ratings, curve, load, ambient, sym);
    }
    case 'motor': {
      const phys = spec.effects?.motorPhysics ?? null;
      return phys === null
        ? motorTemperatureTarget(spec.ratings, load, ambient, sym)
        : motorPhysicsTemperatureTarget(spec.ratings, phys, load, ambient, sym);
    }
  }
}

export function temperatureTauMs(spec: DeviceSpec): number {
  const own = spec.effects?.thermalTauMs ?? null;
  if (own !== null) return own;
  return spec.machineType === 'pump' ? PUMP_TEMPERATURE_TAU_MS : MOTOR_TEMPERATURE_TAU_MS;
}

export function runningMetrics(
  spec: DeviceSpec,
  load: number,
  temperatureC: number,
  sym: Symptoms,
  spike: number,
  noise: Rng,
): Metrics {
  switch (spec.machineType) {
    case 'pump': {
      const curve = spec.effects?.pumpCurve ?? null;
      return curve === null
        ? pumpRunning(spec.ratings, load, sym, spike, noise)
        : pumpOnCurve(spec.ratings, curve, load, sym, spike, noise);
    }
    case 'motor': {
      const phys = spec.effects?.motorPhysics ?? null;
      return phys === null
        ? motorRunning(spec.ratings, load, sym, spike, noise)
        : motorWithPhysics(spec.ratings, phys, load, temperatureC, sym, spike, noise);
    }
  }
}

/** A stopped machine: flat zeros in the original model, a real meter's readings with duty cycles. */
export function stoppedMetrics(spec: DeviceSpec, noise: Rng): Metrics {
  const duty = spec.effects?.duty ?? null;
  if (spec.machineType === 'pump')
    return duty === null ? pumpStopped(spec.ratings, noise) : pumpIdle(spec.ratings, duty, noise);
  return duty === null ? motorStopped(noise) : motorIdle(noise);
}
