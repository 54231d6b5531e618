import { isValidDeviceId } from '../contracts/index.js';
import { HOUR_MS } from './duration.js';
import type { EffectOptions } from './effects.js';
import { drawDeviceEffects, drawFaultShape, drawSites, siteCount } from './fleet-effects.js';
import { ALWAYS_RUNNING, type RunClock } from './model/degradation.js';
import { runClockOf } from './model/duty.js';
import { Rng, deriveSeed } from './prng.js';
import {
  EXTENDED_FAILURE_MODES_BY_MACHINE,
  FAILURE_MODES_BY_MACHINE,
  type DeviceSpec,
  type FailureMode,
  type FaultSpec,
  type MachineType,
  type MotorRatings,
  type PumpRatings,
  type SiteSpec,
} from './model/types.js';

export interface FleetParams {
  devices: number;
  seed: number;
  /** Fraction of devices that degrade and fail, 0..1; the count is rounded. */
  faults: number;
  /** Device ids are `${prefix}${n}`, n from 1, zero-padded. */
  prefix: string;
  /** Simulated epoch ms at which the fleet starts. */
  startMs: number;
  /** Simulated span in which failures are placed when their window fits. */
  horizonMs: number;
  minWindowMs?: number;
  maxWindowMs?: number;
  /** Switchable effects (`effects.ts`); without any, the fleet is the original simulator's. */
  effects?: EffectOptions;
}

export const DEFAULT_MIN_WINDOW_MS = 6 * HOUR_MS;
export const DEFAULT_MAX_WINDOW_MS = 48 * HOUR_MS;

/**
 * The whole fleet from a seed, deterministically: machine types, ratings, sites and, for the
 * faulty share, failure mode, onset and failure time. A device's own properties depend only on
 * the seed and its index; which devices are faulty depends on the fleet size too.
 */
export function generateFleet(params: FleetParams): DeviceSpec[] {
  const { devices, seed, faults, prefix, startMs, horizonMs } = params;
  if (!Number.isInteger(devices) || devices < 0)
    throw new RangeError(`devices must be an integer >= 0, got ${devices}`);
  if (!(faults >= 0 && faults <= 1)) throw new RangeError(`faults must be within 0..1, got ${faults}`);
  if (!(horizonMs >= 0)) throw new RangeError(`horizonMs must be >= 0, got ${horizonMs}`);
  const minWindow = params.minWindowMs ?? DEFAULT_MIN_WINDOW_MS;
  const maxWindow = params.maxWindowMs ?? DEFAULT_MAX_WINDOW_MS;
  if (!(minWindow > 0 && maxWindow >= minWindow)) throw new RangeError('need 0 < minWindowMs <= maxWindowMs');

  const width = Math.max(4, String(devices).length);
  const faulty = faultyIndices(seed, devices, Math.round(faults * devices));
  const effects = params.effects !== undefined && params.effects.enabled.length > 0 ? params.effects : null;
  const sites = effects === null ? [] : drawSites(seed, siteCount(effects, devices));
  const extended = effects?.enabled.includes('faults-extended') ?? false;

  return Array.from({ length: devices }, (_, index): DeviceSpec => {
    const deviceId = `${prefix}${String(index + 1).padStart(width, '0')}`;
    if (!isValidDeviceId(deviceId))
      throw new TypeError(`prefix ${JSON.stringify(prefix)} makes an invalid device id`);
    const deviceSeed = deriveSeed(seed, 'device', index);
    const rng = new Rng(deriveSeed(deviceSeed, 'spec'));
    const machineType: MachineType = rng.chance(0.5) ? 'pump' : 'motor';
    const base = {
      deviceId,
      index,
      seed: deviceSeed,
      site: drawSite(rng),
      sensorDriftCPerDay: rng.uniform(-0.4, 0.4),
    };
    const spec: DeviceSpec =
      machineType === 'pump'
        ? { ...base, machineType, ratings: drawPumpRatings(rng), fault: null }
        : { ...base, machineType, ratings: drawMotorRatings(rng), fault: null };
    if (effects !== null) spec.effects = drawDeviceEffects(deviceSeed, machineType, sites, effects);
    if (faulty.has(index)) {
      const fault = drawFault(
        new Rng(deriveSeed(deviceSeed, 'fault')),
        (extended ? EXTENDED_FAILURE_MODES_BY_MACHINE : FAILURE_MODES_BY_MACHINE)[machineType],
        runClockOf(spec),
        startMs,
        horizonMs,
        minWindow,
        maxWindow,
      );
      if (extended && !ORIGINAL_MODES.has(fault.mode)) fault.shape = drawFaultShape(deviceSeed);
      spec.fault = fault;
    }
    return spec;
  });
}

const ORIGINAL_MODES: ReadonlySet<FailureMode> = new Set(Object.values(FAILURE_MODES_BY_MACHINE).flat());

function faultyIndices(seed: number, devices: number, count: number): Set<number> {
  const order = new Rng(deriveSeed(seed, 'faulty')).shuffle(Array.from({ length: devices }, (_, i) => i));
  return new Set(order.slice(0, count));
}

// The window fits inside the horizon when it can, with at least a tenth of the spare time
// healthy first so a detector has a baseline; otherwise degradation starts at once and the
// failure lies beyond the horizon. The window is running time: a machine that stops now and
// then takes longer, in calendar time, to wear out, and fails while running.
function drawFault(
  rng: Rng,
  modes: readonly FailureMode[],
  clock: RunClock,
  startMs: number,
  horizonMs: number,
  minWindowMs: number,
  maxWindowMs: number,
): FaultSpec {
  const mode = rng.pick(modes);
  const window = Math.round(rng.uniform(minWindowMs, maxWindowMs));
  const slack = Math.max(0, clock.before(startMs + horizonMs, window) - startMs);
  const onsetMs = startMs + Math.round(slack * rng.uniform(0.1, 1));
  const fault: FaultSpec = {
    mode,
    onsetMs,
    failureMs: clock.after(onsetMs, window),
    afterFailure: rng.chance(0.5) ? 'silent' : 'stopped',
  };
  if (clock !== ALWAYS_RUNNING) fault.runMs = window;
  return fault;
}

function drawSite(rng: Rng): SiteSpec {
  return {
    ambientMeanC: rng.uniform(8, 26),
    ambientAmplitudeC: rng.uniform(2, 8),
    peakHourUtc: rng.uniform(12, 17),
  };
}

function drawPumpRatings(rng: Rng): PumpRatings {
  const size = rng.uniform(0.5, 2);
  return {
    flowM3h: 60 * size,
    pressureBar: rng.uniform(3, 8),
    currentA: 18 * size,
    vibrationMmS: rng.uniform(1.2, 2.5),
    temperatureRiseC: rng.uniform(15, 30),
  };
}

function drawMotorRatings(rng: Rng): MotorRatings {
  return {
    syncRpm: rng.pick([1000, 1500, 3000]),
    slip: rng.uniform(0.02, 0.05),
    currentA: rng.uniform(8, 60),
    vibrationMmS: rng.uniform(0.8, 2),
    temperatureRiseC: rng.uniform(25, 45),
  };
}
