import { METRICS, type Metrics } from '../../contracts/index.js';
import type { Rng } from '../prng.js';
import { roundTo } from './round.js';
import type { DutySpec, PumpRatings } from './types.js';

/**
 * A pump stopped by its duty cycle reads like a real one: the flow meter's zero sits a little
 * above zero, the clamp meter shows a trace of current, the column still holds some head, and
 * neighbouring machines shake it a little.
 */
export function pumpIdle(r: PumpRatings, duty: DutySpec, noise: Rng): Metrics {
  return {
    [METRICS.vibration]: roundTo(Math.abs(noise.gaussian(0.04, 0.015)), 3),
    [METRICS.current]: roundTo(Math.abs(noise.gaussian(0, 0.03)), 2),
    [METRICS.pressure]: roundTo(
      Math.max(0, noise.gaussian(duty.staticHeadShare * r.pressureBar, 0.005 * r.pressureBar)),
      3,
    ),
    [METRICS.flow]: roundTo(Math.max(0, duty.flowMeterZeroM3h + noise.gaussian(0, 0.03)), 2),
  };
}

export function motorIdle(noise: Rng): Metrics {
  return {
    [METRICS.vibration]: roundTo(Math.abs(noise.gaussian(0.03, 0.012)), 3),
    [METRICS.current]: roundTo(Math.abs(noise.gaussian(0, 0.03)), 2),
    [METRICS.speed]: 0,
  };
}
