import { describe, expect, it } from 'vitest';
import { eventPayloadSchema, telemetryPayloadSchema } from '../../../../contracts/index.js';
import { ambientC } from '../../../../device-sim/model/environment.js';
import { METRICS } from '../../../../contracts/index.js';
import { SPIKE_PROFILE } from '../../../../device-sim/model/operating.js';
import {
  initialState,
  stepDevice,
  withCalibration,
  withLoadLimit,
} from '../../../../device-sim/model/step.js';
import type { DeviceSpec } from '../../../../device-sim/model/types.js';
import { DAY, HOUR, START_MS, between, findDevice, fleet, mean, metric, trace } from '../helpers.js';

const MINUTE = 60_000;
const specs = fleet({ devices: 60, faults: 0.5 });

function fault(spec: DeviceSpec): NonNullable<DeviceSpec['fault']> {
  if (spec.fault === null) throw new Error(`${spec.deviceId} is healthy`);
  return spec.fault;
}

describe('device model determinism', () => {
  it('gives the same readings for the same seed', () => {
    const a = fleet({ seed: 9 })[3] as DeviceSpec;
    const b = fleet({ seed: 9 })[3] as DeviceSpec;
    expect(trace(a, 5 * MINUTE, START_MS + DAY)).toEqual(trace(b, 5 * MINUTE, START_MS + DAY));
  });

  it('gives different readings for a different seed', () => {
    const a = fleet({ seed: 9 })[3] as DeviceSpec;
    const b = fleet({ seed: 10 })[3] as DeviceSpec;
    expect(trace(a, 5 * MINUTE, START_MS + DAY).readings).not.toEqual(
      trace(b, 5 * MINUTE, START_MS + DAY).readings,
    );
  });

  it('does not change its input state', () => {
    const spec = specs[0] as DeviceSpec;
    const state = initialState(spec, START_MS);
    const copy = structuredClone(state);
    stepDevice(spec, state, START_MS + HOUR);
    expect(state).toEqual(copy);
  });

  it('produces readings and events the wire contract accepts', () => {
    const spec = findDevice(specs, 'motor', 'bearing_wear');
    const { readings, events } = trace(spec, 10 * MINUTE, fault(spec).failureMs + HOUR);
    expect(telemetryPayloadSchema.safeParse(readings.slice(0, 1000)).success).toBe(true);
    expect(events.length).toBe(1);
    expect(eventPayloadSchema.safeParse(events[0]).success).toBe(true);
  });
});

describe('degradation', () => {
  it.each([
    ['pump', 'bearing_wear'],
    ['motor', 'bearing_wear'],
  ] as const)('makes a %s with %s vibrate more after onset', (machine, mode) => {
    const spec = findDevice(specs, machine, mode);
    const { onsetMs, failureMs } = fault(spec);
    const { readings } = trace(spec, MINUTE, failureMs);
    const window = failureMs - onsetMs;
    const vib = (from: number, to: number): number =>
      mean(between(readings, from, to).map((r) => metric(r, METRICS.vibration)));
    const before = vib(onsetMs - 6 * HOUR, onsetMs);
    const late = vib(onsetMs + 0.7 * window, failureMs - 0.05 * window);
    expect(late).toBeGreaterThan(before * 2);
    // Rising, not just higher: each later quarter is above the one before it.
    const quarters = [0.25, 0.5, 0.75, 1].map((q) =>
      vib(onsetMs + (q - 0.25) * window, onsetMs + q * window),
    );
    for (let i = 1; i < quarters.length; i++) expect(quarters[i]).toBeGreaterThan(quarters[i - 1] as number);
  });

  it('makes a leaking pump lose pressure and draw more current', () => {
    const spec = findDevice(specs, 'pump', 'seal_leak');
    const { onsetMs, failureMs } = fault(spec);
    const { readings } = trace(spec, MINUTE, failureMs);
    const ratio = (r: (typeof readings)[number]): number =>
      metric(r, METRICS.pressure) / metric(r, METRICS.flow);
    // Normalised by flow, so load changes do not hide the trend.
    const current = (from: number, to: number): number =>
      mean(between(readings, from, to).map((r) => metric(r, METRICS.current) / metric(r, METRICS.flow)));
    const pressure = (from: number, to: number): number => mean(between(readings, from, to).map(ratio));
    const lateFrom = failureMs - 0.15 * (failureMs - onsetMs);
    expect(pressure(lateFrom, failureMs)).toBeLessThan(pressure(onsetMs - 6 * HOUR, onsetMs));
    expect(current(lateFrom, failureMs)).toBeGreaterThan(current(onsetMs - 6 * HOUR, onsetMs));
  });

  it('makes a motor with failing insulation run hotter', () => {
    const spec = findDevice(specs, 'motor', 'winding_insulation');
    const { onsetMs, failureMs } = fault(spec);
    const { readings } = trace(spec, MINUTE, failureMs);
    // Whole days, so the daily ambient cycle averages out.
    const before = mean(between(readings, onsetMs - DAY, onsetMs).map((r) => metric(r, METRICS.temperature)));
    const late = mean(
      between(readings, failureMs - 3 * HOUR, failureMs).map((r) => metric(r, METRICS.temperature)),
    );
    expect(late - before).toBeGreaterThan(10);
  });

  it('fails exactly at the ground-truth time, once, with a critical failure event', () => {
    for (const spec of specs.filter((s) => s.fault !== null)) {
      const { failureMs } = fault(spec);
      const { events } = trace(spec, 7 * MINUTE, failureMs + 2 * HOUR);
      expect(events).toEqual([
        {
          ts: failureMs,
          type: 'failure',
          severity: 'critical',
          data: { machineType: spec.machineType, mode: fault(spec).mode },
        },
      ]);
    }
  });

  it('then falls silent or reports a stopped machine', () => {
    const faulty = specs.filter((s) => s.fault !== null);
    const silent = faulty.find((s) => fault(s).afterFailure === 'silent') as DeviceSpec;
    const stopped = faulty.find((s) => fault(s).afterFailure === 'stopped') as DeviceSpec;
    const after = (spec: DeviceSpec) =>
      trace(spec, 5 * MINUTE, fault(spec).failureMs + 3 * HOUR).readings.filter(
        (r) => (r.ts ?? 0) > fault(spec).failureMs,
      );
    expect(after(silent)).toEqual([]);
    const flat = after(stopped);
    expect(flat.length).toBeGreaterThan(30);
    for (const r of flat) {
      expect(metric(r, METRICS.current)).toBe(0);
      expect(metric(r, METRICS.vibration)).toBeLessThan(0.1);
    }
  });

  it('postpones the failure when the load limit is lowered', () => {
    const spec = findDevice(specs, 'pump', 'bearing_wear');
    const { onsetMs, failureMs } = fault(spec);
    let state = withLoadLimit(initialState(spec, START_MS), 0.5);
    let failedAt: number | undefined;
    for (
      let t = START_MS;
      t <= failureMs + 4 * (failureMs - onsetMs) && failedAt === undefined;
      t += 10 * MINUTE
    ) {
      const r = stepDevice(spec, state, t);
      state = r.state;
      failedAt = r.events[0]?.ts;
    }
    expect(failedAt).toBeGreaterThan(failureMs + (failureMs - onsetMs) * 0.5);
  });
});

describe('healthy devices', () => {
  const healthy = specs.filter((s) => s.fault === null);

  it('stay within plausible ranges for a week', () => {
    const bounds: Record<string, [number, number]> = {
      [METRICS.temperature]: [-5, 90],
      [METRICS.vibration]: [0.1, 10],
      [METRICS.current]: [1, 70],
      [METRICS.pressure]: [1, 9],
      [METRICS.flow]: [10, 130],
      [METRICS.speed]: [900, 3010],
    };
    for (const spec of healthy) {
      const { readings } = trace(spec, 10 * MINUTE, START_MS + 7 * DAY);
      const names = Object.keys(readings[0]?.metrics ?? {});
      expect(names.length).toBe(spec.machineType === 'pump' ? 5 : 4);
      for (const name of names) {
        const values = readings.map((r) => metric(r, name));
        const [low, high] = bounds[name] ?? [NaN, NaN];
        expect(Math.min(...values), `${spec.deviceId} ${name} min`).toBeGreaterThan(low);
        expect(Math.max(...values), `${spec.deviceId} ${name} max`).toBeLessThan(high);
      }
    }
  });

  it('feel a daily ambient cycle peaking at the site warmest hour', () => {
    const site = (healthy[0] as DeviceSpec).site;
    const warmest = START_MS + Math.round(site.peakHourUtc * HOUR);
    expect(ambientC(site, warmest)).toBeCloseTo(site.ambientMeanC + site.ambientAmplitudeC, 6);
    expect(ambientC(site, warmest + 12 * HOUR)).toBeCloseTo(site.ambientMeanC - site.ambientAmplitudeC, 6);
    expect(ambientC(site, warmest + DAY)).toBeCloseTo(ambientC(site, warmest), 6);
  });

  // A simulated week of ten devices at 10 s steps: about 600,000 model steps, over vitest's 5 s
  // default on a busy two-core machine.
  it('have decoy vibration spikes that are short', { timeout: 30_000 }, () => {
    let spikes = 0;
    for (const spec of healthy.slice(0, 10)) {
      const { readings } = trace(spec, 10_000, START_MS + 7 * DAY);
      const vib = readings.map((r) => metric(r, METRICS.vibration));
      const typical = [...vib].sort((a, b) => a - b)[Math.floor(vib.length / 2)] as number;
      let runStart: number | null = null;
      for (const r of readings) {
        const high = metric(r, METRICS.vibration) > 1.7 * typical;
        if (high && runStart === null) runStart = r.ts ?? 0;
        if (!high && runStart !== null) {
          spikes++;
          expect((r.ts ?? 0) - runStart).toBeLessThanOrEqual(SPIKE_PROFILE.maxDurationMs + 10_000);
          runStart = null;
        }
      }
    }
    expect(spikes).toBeGreaterThan(5);
  });

  it('read warmer as the sensor drifts, and true again once calibrated', () => {
    const spec = { ...(healthy[0] as DeviceSpec), sensorDriftCPerDay: 2 };
    const plain = initialState(spec, START_MS);
    const at = START_MS + 5 * DAY;
    const drifted = stepDevice(spec, plain, at);
    const calibrated = stepDevice(spec, withCalibration(plain, at), at);
    if (drifted.reading === null || calibrated.reading === null) throw new Error('expected readings');
    const diff =
      metric(drifted.reading, METRICS.temperature) - metric(calibrated.reading, METRICS.temperature);
    expect(diff).toBeCloseTo(10, 0);
  });
});
