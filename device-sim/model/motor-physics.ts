import { METRICS, type Metrics } from '../../contracts/index.js';
import type { Rng } from '../prng.js';
import type { Symptoms } from './degradation.js';
import { roundTo } from './round.js';
import type { MotorPhysics, MotorRatings } from './types.js';

// Copper resistance grows by 1/(234.5 °C) per degree; slip is proportional to rotor resistance.
const COPPER_INFERRED_ZERO_C = 234.5;
const RATED_WINDING_C = 75;
/** Iron and friction losses as a share of full-load losses. */
const FIXED_LOSS_SHARE = 0.25;

/** Stator current as a share of rated: magnetising and load components add in quadrature. */
export function currentShare(phys: MotorPhysics, load: number): number {
  const m = phys.magnetisingShare;
  const active = Math.sqrt(1 - m * m) * load;
  return Math.sqrt(m * m + active * active);
}

export function slipAt(r: MotorRatings, load: number, temperatureC: number): number {
  return (
    (r.slip * load * (COPPER_INFERRED_ZERO_C + temperatureC)) / (COPPER_INFERRED_ZERO_C + RATED_WINDING_C)
  );
}

/** Heat follows I²R losses, so a winding fault's extra current heats the motor too. */
export function motorPhysicsTemperatureTarget(
  r: MotorRatings,
  phys: MotorPhysics,
  load: number,
  ambientC: number,
  sym: Symptoms,
): number {
  const i = currentShare(phys, load) * sym.currentFactor;
  return (
    ambientC +
    r.temperatureRiseC * (FIXED_LOSS_SHARE + (1 - FIXED_LOSS_SHARE) * i * i) * sym.coolingFactor +
    sym.temperatureRiseC
  );
}

/** Induction motor whose slip grows with load and with its own temperature. */
export function motorWithPhysics(
  r: MotorRatings,
  phys: MotorPhysics,
  load: number,
  temperatureC: number,
  sym: Symptoms,
  spike: number,
  noise: Rng,
): Metrics {
  const speed = r.syncRpm * (1 - slipAt(r, load, temperatureC));
  const current = r.currentA * currentShare(phys, load) * sym.currentFactor;
  const vibration = r.vibrationMmS * (0.75 + 0.25 * load) * sym.vibrationFactor * spike;
  return {
    [METRICS.vibration]: roundTo(vibration * Math.exp(noise.gaussian(0, 0.06)), 3),
    [METRICS.current]: roundTo(Math.max(0, current + noise.gaussian(0, 0.015 * r.currentA)), 2),
    [METRICS.speed]: roundTo(speed + noise.gaussian(0, 2), 1),
  };
}
