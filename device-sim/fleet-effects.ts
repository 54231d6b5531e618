import { DAY_MS, HOUR_MS } from './duration.js';
import { DEFAULT_SITES, type EffectOptions } from './effects.js';
import { Rng, deriveSeed } from './prng.js';
import type {
  DeviceEffects,
  DropoutSpec,
  DutyKind,
  DutySpec,
  FaultShape,
  GlitchSpec,
  LateSpec,
  MachineType,
  SiteClimate,
} from './model/types.js';

const MINUTE_MS = 60_000;
const UTC_OFFSETS_HOURS = [-8, -6, -5, -3, 0, 1, 2, 3, 5.5, 8, 9, 10];
const DUTY_SHARES: readonly [DutyKind, number][] = [
  ['continuous', 0.35],
  ['shift', 0.25],
  ['batch', 0.2],
  ['weekend-off', 0.2],
];

/** Base shares of devices with each kind of sensor trouble, before `troubleRate`. */
export const TROUBLE = {
  looseConnectorShare: 0.2,
  dropoutShare: 0.3,
  lateShare: 0.2,
  lateChance: 0.03,
} as const;

/** The fleet's sites, from the fleet seed alone. */
export function drawSites(seed: number, count: number): SiteClimate[] {
  return Array.from({ length: count }, (_, i): SiteClimate => {
    const rng = new Rng(deriveSeed(seed, 'site', i));
    return {
      siteId: `site-${i + 1}`,
      seed: deriveSeed(seed, 'site-weather', i),
      meanC: rng.uniform(-2, 28),
      dailySwingC: rng.uniform(2, 7),
      peakHourLocal: rng.uniform(13.5, 16),
      utcOffsetHours: rng.pick(UTC_OFFSETS_HOURS),
      indoorMeanC: rng.uniform(16, 26),
    };
  });
}

export function siteCount(options: EffectOptions, devices: number): number {
  return Math.max(1, Math.min(devices, options.sites ?? DEFAULT_SITES));
}

/**
 * A device's effects. Everything is drawn whatever is enabled, in a fixed order, from the
 * device's own seed: a device is the same machine, at the same site, in every effect setting.
 */
export function drawDeviceEffects(
  deviceSeed: number,
  machineType: MachineType,
  sites: readonly SiteClimate[],
  options: EffectOptions,
): DeviceEffects {
  const on = new Set(options.enabled);
  const trouble = options.troubleRate ?? 1;
  const rng = new Rng(deriveSeed(deviceSeed, 'effects'));
  const site = rng.pick(sites);
  const outdoor = rng.chance(0.6);
  const duty = drawDuty(rng);
  const headDrop = rng.uniform(0.12, 0.25);
  const magnetisingShare = rng.uniform(0.3, 0.45);
  const tauMs = (machineType === 'pump' ? rng.uniform(15, 40) : rng.uniform(25, 60)) * MINUTE_MS;
  const glitches = drawGlitches(rng, trouble);
  const dropouts = drawDropouts(rng, trouble);
  const late = drawLate(rng, trouble);
  const curve = on.has('pump-curves') && machineType === 'pump';
  const physics = on.has('motor-physics') && machineType === 'motor';
  return {
    site,
    outdoor,
    weather: on.has('weather'),
    duty: on.has('duty') ? duty : null,
    pumpCurve: curve ? { headDrop } : null,
    motorPhysics: physics ? { magnetisingShare } : null,
    thermalTauMs: curve || physics ? tauMs : null,
    glitches: on.has('glitches') ? glitches : null,
    dropouts: on.has('dropouts') ? dropouts : null,
    late: on.has('late-readings') ? late : null,
  };
}

/** Shape parameters of an extended fault, from its own stream so fault times stay as they were. */
export function drawFaultShape(deviceSeed: number): FaultShape {
  const rng = new Rng(deriveSeed(deviceSeed, 'fault-shape'));
  return {
    severity: rng.uniform(0.75, 1.25),
    rate: rng.uniform(0, 3),
    knee: rng.uniform(0.55, 0.85),
    step: rng.uniform(0.3, 0.5),
  };
}

function drawDuty(rng: Rng): DutySpec {
  const u = rng.next();
  let acc = 0;
  let kind: DutyKind = 'continuous';
  for (const [k, share] of DUTY_SHARES) {
    acc += share;
    if (u < acc) {
      kind = k;
      break;
    }
  }
  const batchPeriodMs = rng.uniform(3, 10) * HOUR_MS;
  return {
    kind,
    shiftStartHour: rng.pick([5, 6, 7]),
    shiftHours: rng.pick([8, 16]),
    batchPeriodMs,
    batchRunShare: rng.uniform(0.4, 0.8),
    batchPhaseMs: rng.uniform(0, batchPeriodMs),
    plannedStopChance: 0.08,
    plannedStopMinMs: 2 * HOUR_MS,
    plannedStopMaxMs: 8 * HOUR_MS,
    flowMeterZeroM3h: rng.uniform(0.1, 0.4),
    staticHeadShare: rng.uniform(0.02, 0.1),
  };
}

function drawGlitches(rng: Rng, trouble: number): GlitchSpec | null {
  const affected = rng.next() < Math.min(1, TROUBLE.looseConnectorShare * trouble);
  const meanIntervalMs = (rng.uniform(12, 48) * HOUR_MS) / trouble;
  const maxBurstMs = rng.uniform(3, 8) * MINUTE_MS;
  if (!affected) return null;
  return { meanIntervalMs, minBurstMs: 30_000, maxBurstMs, wildShare: 0.6 };
}

function drawDropouts(rng: Rng, trouble: number): DropoutSpec | null {
  const affected = rng.next() < Math.min(1, TROUBLE.dropoutShare * trouble);
  const meanIntervalMs = (rng.uniform(1, 4) * DAY_MS) / trouble;
  if (!affected) return null;
  return { meanIntervalMs, minMs: 5 * MINUTE_MS, maxMs: 6 * HOUR_MS, bufferedShare: 0.4 };
}

function drawLate(rng: Rng, trouble: number): LateSpec | null {
  const affected = rng.next() < Math.min(1, TROUBLE.lateShare * trouble);
  if (!affected) return null;
  return {
    chance: Math.min(0.5, TROUBLE.lateChance * trouble),
    minDelayMs: MINUTE_MS,
    maxDelayMs: 20 * MINUTE_MS,
  };
}
