import { describe, expect, it } from 'vitest';
import { DUTY_GRID_MS, dutyRunning, runClockOf } from '../../../../device-sim/model/duty.js';
import { localMs, weekday } from '../../../../device-sim/model/local-time.js';
import { processRunning } from '../../../../device-sim/model/machine.js';
import { METRICS } from '../../../../contracts/index.js';
import type { DeviceSpec, DutyKind } from '../../../../device-sim/model/types.js';
import { ambientAt } from '../../../../device-sim/model/weather.js';
import { DAY, HOUR, START_MS, effectsFleet, metric, trace } from '../helpers.js';

const MINUTE = 60_000;
const specs = effectsFleet(['duty', 'weather'], { devices: 120, faults: 0 });

function withDuty(kind: DutyKind, machine: 'pump' | 'motor'): DeviceSpec {
  const found = specs.find((s) => s.machineType === machine && s.effects?.duty?.kind === kind);
  if (found === undefined) throw new Error(`no ${machine} with ${kind} duty`);
  return found;
}

/** UTC instant of a local hour on the first local day with this weekday on or after the start. */
function localInstant(spec: DeviceSpec, day: number, hour: number): number {
  const site = spec.effects?.site;
  if (site === undefined) throw new Error('no site');
  for (let t = START_MS; t < START_MS + 8 * DAY; t += HOUR) {
    const local = localMs(site, t);
    if (weekday(local) === day && Math.floor((local % DAY) / HOUR) === hour) return t;
  }
  throw new Error('not found');
}

function runningShare(spec: DeviceSpec, fromMs: number, toMs: number): number {
  let on = 0;
  let n = 0;
  for (let t = fromMs; t < toMs; t += DUTY_GRID_MS, n++) if (processRunning(spec, t)) on++;
  return on / n;
}

describe('duty cycles', () => {
  it('gives the fleet a mix of continuous, shift, batch and weekend-off machines', () => {
    const kinds = new Set(specs.map((s) => s.effects?.duty?.kind));
    expect(kinds).toEqual(new Set(['continuous', 'shift', 'batch', 'weekend-off']));
  });

  it('reads a weekend-off pump as stopped on Sunday: meter noise, no current, cooled to ambient', () => {
    // No sensor drift, so the reading is the casing temperature itself.
    const pump = { ...withDuty('weekend-off', 'pump'), sensorDriftCPerDay: 0 };
    const sundayEvening = localInstant(pump, 0, 18);
    const { readings } = trace(pump, 10 * MINUTE, sundayEvening + MINUTE);
    const last = readings.at(-1);
    if (last === undefined) throw new Error('no reading');
    expect(metric(last, METRICS.flow)).toBeGreaterThan(0);
    expect(metric(last, METRICS.flow)).toBeLessThan(0.55);
    expect(metric(last, METRICS.current)).toBeLessThan(0.15);
    expect(metric(last, METRICS.temperature)).toBeCloseTo(ambientAt(pump, sundayEvening), 0);
    // Running again on a weekday, apart from the odd planned stop.
    expect(runningShare(pump, localInstant(pump, 2, 0), localInstant(pump, 2, 0) + DAY)).toBeGreaterThan(0.6);
    expect(runningShare(pump, localInstant(pump, 0, 0), localInstant(pump, 0, 0) + DAY)).toBe(0);
  });

  it('runs a shift machine only during its weekday shift, in local time', () => {
    const spec = withDuty('shift', 'motor');
    const duty = spec.effects?.duty;
    const site = spec.effects?.site;
    if (!duty || !site) throw new Error('no duty');
    for (let t = START_MS; t < START_MS + 7 * DAY; t += 17 * MINUTE) {
      if (!processRunning(spec, t)) continue;
      const local = localMs(site, Math.floor(t / DUTY_GRID_MS) * DUTY_GRID_MS);
      const hour = (local % DAY) / HOUR;
      expect([1, 2, 3, 4, 5]).toContain(weekday(local));
      expect(hour).toBeGreaterThanOrEqual(duty.shiftStartHour);
      expect(hour).toBeLessThan(duty.shiftStartHour + duty.shiftHours);
    }
  });

  it('alternates a batch machine between runs and pauses', () => {
    const spec = withDuty('batch', 'pump');
    const duty = spec.effects?.duty;
    if (!duty) throw new Error('no duty');
    let switches = 0;
    let last = processRunning(spec, START_MS);
    for (let t = START_MS; t < START_MS + 7 * DAY; t += DUTY_GRID_MS) {
      const now = processRunning(spec, t);
      if (now !== last) switches++;
      last = now;
    }
    const cycles = (7 * DAY) / duty.batchPeriodMs;
    expect(switches).toBeGreaterThan(1.5 * cycles);
    expect(runningShare(spec, START_MS, START_MS + 7 * DAY)).toBeCloseTo(duty.batchRunShare, 0);
  });

  it('stops continuous machines now and then for planned maintenance', () => {
    const continuous = specs.filter((s) => s.effects?.duty?.kind === 'continuous');
    const stopped = continuous.filter((s) => runningShare(s, START_MS, START_MS + 30 * DAY) < 1);
    expect(stopped.length).toBeGreaterThan(continuous.length / 2);
    for (const s of continuous) expect(runningShare(s, START_MS, START_MS + 30 * DAY)).toBeGreaterThan(0.9);
  });

  it('shows some machines stopped at their very first reading', () => {
    const firstStopped = specs.filter((s) => !processRunning(s, START_MS));
    expect(firstStopped.length).toBeGreaterThan(5);
    const pump = firstStopped.find((s) => s.machineType === 'pump') as DeviceSpec;
    const first = trace(pump, MINUTE, START_MS).readings[0];
    if (first === undefined) throw new Error('no reading');
    expect(metric(first, METRICS.flow)).toBeLessThan(0.55);
    expect(metric(first, METRICS.temperature)).toBeCloseTo(ambientAt(pump, START_MS), 0);
  });

  it('switches only on its grid, so running time adds up exactly', () => {
    const spec = withDuty('batch', 'motor');
    const clock = runClockOf(spec);
    const a = START_MS + 7 * MINUTE;
    const b = a + 2 * DAY + 11 * MINUTE;
    const c = b + DAY + 3 * MINUTE;
    expect(clock.runningMs(a, b) + clock.runningMs(b, c)).toBe(clock.runningMs(a, c));
    expect(clock.runningMs(a, clock.after(a, 10 * HOUR))).toBe(10 * HOUR);
    expect(clock.runningMs(clock.before(c, 10 * HOUR), c)).toBe(10 * HOUR);
    const site = spec.effects?.site;
    const duty = spec.effects?.duty;
    if (!site || !duty) throw new Error('no duty');
    const cell = Math.floor(b / DUTY_GRID_MS) * DUTY_GRID_MS;
    expect(dutyRunning(duty, site, spec.seed, cell + DUTY_GRID_MS - 1)).toBe(
      dutyRunning(duty, site, spec.seed, cell),
    );
  });
});

describe('wear under a duty cycle', () => {
  const faulty = effectsFleet(['duty'], { devices: 80, faults: 1, horizonMs: 10 * DAY });

  it('advances only while running, so a machine fails while running, exactly at the ground-truth time', () => {
    const stopping = faulty.filter((s) => s.fault !== null && s.effects?.duty?.kind !== 'continuous');
    expect(stopping.length).toBeGreaterThan(20);
    for (const spec of stopping.slice(0, 25)) {
      const f = spec.fault;
      if (f === null || f.runMs === undefined) throw new Error('expected a fault with a running window');
      expect(runClockOf(spec).runningMs(f.onsetMs, f.failureMs)).toBe(f.runMs);
      expect(processRunning(spec, f.failureMs - 1)).toBe(true);
      const { events } = trace(spec, 7 * MINUTE, f.failureMs + HOUR);
      expect(events.map((e) => e.ts)).toEqual([f.failureMs]);
    }
  });

  it('takes longer in calendar time for machines that stop often', () => {
    const shift = faulty.filter((s) => s.effects?.duty?.kind === 'shift' && s.fault !== null);
    const stretch = shift.map((s) => {
      const f = s.fault;
      return f === null ? 0 : (f.failureMs - f.onsetMs) / (f.runMs ?? 1);
    });
    expect(Math.max(...stretch)).toBeGreaterThan(2);
  });
});
