import type { EffectName } from '../../../device-sim/effects.js';
import { generateFleet, type FleetParams } from '../../../device-sim/fleet.js';
import { simulateDevice } from '../../../device-sim/model/simulate.js';
import type { DeviceSpec, FailureMode, MachineType } from '../../../device-sim/model/types.js';
import type { EventPayload, Reading } from '../../../contracts/index.js';

export const START_MS = Date.UTC(2025, 0, 1);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function fleet(overrides: Partial<FleetParams> = {}): DeviceSpec[] {
  return generateFleet({
    devices: 40,
    seed: 42,
    faults: 0.5,
    prefix: 'dev-',
    startMs: START_MS,
    horizonMs: 7 * DAY,
    ...overrides,
  });
}

/** The test fleet with some of the simulator's effects switched on. */
export function effectsFleet(
  enabled: readonly EffectName[],
  overrides: Partial<FleetParams> = {},
): DeviceSpec[] {
  return fleet({ effects: { enabled }, ...overrides });
}

export interface Trace {
  readings: Reading[];
  events: EventPayload[];
}

/** Drives one device's model at a fixed simulated cadence, as an in-process evaluation would. */
export function trace(spec: DeviceSpec, stepMs: number, untilMs: number, startMs = START_MS): Trace {
  const readings: Reading[] = [];
  const events: EventPayload[] = [];
  for (const sample of simulateDevice(spec, { fromMs: startMs, toMs: untilMs, intervalMs: stepMs })) {
    if (sample.reading !== null) readings.push(sample.reading);
    events.push(...sample.events);
  }
  return { readings, events };
}

export function findDevice(
  specs: readonly DeviceSpec[],
  machine: MachineType,
  mode: FailureMode | null,
): DeviceSpec {
  const found = specs.find((s) => s.machineType === machine && (s.fault?.mode ?? null) === mode);
  if (found === undefined) throw new Error(`no ${machine} with mode ${String(mode)} in the test fleet`);
  return found;
}

export function metric(reading: Reading, name: string): number {
  const v = reading.metrics[name];
  if (v === undefined) throw new Error(`reading has no ${name}`);
  return v;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function between(readings: readonly Reading[], fromMs: number, toMs: number): Reading[] {
  return readings.filter((r) => (r.ts ?? 0) >= fromMs && (r.ts ?? 0) < toMs);
}
