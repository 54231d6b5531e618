import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../../config/index.js';
import {
  deviceStateCreate,
  observe,
  type Assessment,
} from '../../../../../hub/maintenance/detector/device-state.js';
import { DEFAULT_PARAMS } from '../../../../../hub/maintenance/detector/params.js';
import { profilesFromConfig } from '../../../../../hub/maintenance/detector/profiles.js';
import { HOUR, MINUTE, T0, gaussian } from './series.js';

// One test per effect of the simulator's harder fleets that the detector must not mistake for wear.
const PROFILES = profilesFromConfig(configSchema.parse({}).maintenance);
const STEP = 5 * MINUTE;
const DAY = 24 * HOUR;

interface Pump {
  /** Relative flow, 1 at the duty point. */
  load?: (t: number) => number;
  /** False while the duty cycle has the pump stopped. */
  running?: (t: number) => boolean;
  ambient?: (t: number) => number;
  vibration?: (t: number) => number;
}

/** A pump at steady load: 60 m³/h, 5 bar, 20 A, 2 mm/s, 45 °C over an ambient of 15 °C. */
function runPump(shape: Pump, hours: number, seed = 5): Assessment[] {
  const noise = gaussian(seed);
  const state = deviceStateCreate('pump-1', 'pump', T0);
  const out: Assessment[] = [];
  for (let t = T0; t <= T0 + hours * HOUR; t += STEP) {
    const on = shape.running?.(t) ?? true;
    const ambient = shape.ambient?.(t) ?? 15;
    const q = shape.load?.(t) ?? 1;
    const metrics = on
      ? {
          flow_m3h: 60 * q * (1 + 0.01 * noise()),
          // On its head curve: pressure falls with the square of flow, shaft power rises with it.
          pressure_bar: ((5 * (1 - 0.2 * q * q)) / 0.8) * (1 + 0.005 * noise()),
          current_a: 20 * (0.4 + 0.6 * q) * (1 + 0.01 * noise()),
          vibration_rms_mm_s: 2 * Math.exp(0.05 * noise()) * (shape.vibration?.(t) ?? 1),
          temperature_c: ambient + 30 + 0.15 * noise(),
        }
      : {
          flow_m3h: 0.25 + 0.03 * Math.abs(noise()),
          pressure_bar: 0.3,
          current_a: 0.03 * Math.abs(noise()),
          vibration_rms_mm_s: 0.04,
          temperature_c: ambient + 1,
        };
    const a = observe(state, t, metrics, PROFILES.pump, DEFAULT_PARAMS);
    if (a !== null) out.push(a);
  }
  return out;
}

const opened = (run: readonly Assessment[]): Assessment[] => run.filter((a) => a.change?.type === 'opened');

/** A front: +`rise` °C reached over 6 h, held, and gone again over 6 h. */
function front(fromMs: number, holdH: number, rise: number): (t: number) => number {
  return (t) => {
    const h = (t - fromMs) / HOUR;
    if (h <= 0 || h >= holdH + 12) return 15;
    if (h < 6) return 15 + (rise * h) / 6;
    if (h > holdH + 6) return 15 + (rise * (holdH + 12 - h)) / 6;
    return 15 + rise;
  };
}

/** A motor at 1450 rpm, 2 mm/s, 40 °C over ambient, which cools to ambient (15 °C) while stopped. */
function runMotor(
  running: (t: number) => boolean,
  hours: number,
  extra: { ambient?: (t: number) => number; vibration?: (t: number) => number } = {},
  seed = 7,
): Assessment[] {
  const noise = gaussian(seed);
  const state = deviceStateCreate('motor-1', 'motor', T0);
  const out: Assessment[] = [];
  let temperature = 15;
  for (let t = T0; t <= T0 + hours * HOUR; t += STEP) {
    const on = running(t);
    const ambient = extra.ambient?.(t) ?? 15;
    temperature += (1 - Math.exp(-STEP / (30 * MINUTE))) * ((on ? 40 : 0) + ambient - temperature);
    const metrics = on
      ? {
          speed_rpm: 1450 + 2 * noise(),
          vibration_rms_mm_s: 2 * Math.exp(0.05 * noise()) * (extra.vibration?.(t) ?? 1),
          temperature_c: temperature + 0.15 * noise(),
        }
      : { speed_rpm: 0, vibration_rms_mm_s: 0.03, temperature_c: temperature };
    const a = observe(state, t, metrics, PROFILES.motor, DEFAULT_PARAMS);
    if (a !== null) out.push(a);
  }
  return out;
}

describe('detector effects', () => {
  it('learns its baselines over running time when first seen during a weekend stop', () => {
    const start = T0 + 40 * HOUR;
    const shift = (t: number): boolean => t >= start && ((t - start) / HOUR) % 24 < 16;
    const run = runMotor(shift, 6 * 24);
    expect(opened(run)).toEqual([]);
    expect(run.find((a) => a.atMs === start + STEP)?.learning).toBe(true);
  });

  it('continues a snapshot saved before restarts were tracked', () => {
    const state = deviceStateCreate('motor-1', 'motor', T0);
    for (let t = T0; t <= T0 + 30 * HOUR; t += STEP)
      observe(
        state,
        t,
        { speed_rpm: 1450, vibration_rms_mm_s: 2, temperature_c: 55 },
        PROFILES.motor,
        DEFAULT_PARAMS,
      );
    const old = JSON.parse(JSON.stringify(state)) as typeof state;
    delete old.point.stoppedAtMs;
    const a = observe(
      old,
      T0 + 31 * HOUR,
      { speed_rpm: 1450, vibration_rms_mm_s: 2, temperature_c: 55 },
      PROFILES.motor,
      DEFAULT_PARAMS,
    );
    expect(a).toMatchObject({ running: true, learning: false, change: null });
    expect(old.runMs).toBeGreaterThan(30 * HOUR);
  });

  it('learns its load reference from running states when first seen stopped', () => {
    const start = T0 + 30 * HOUR;
    const run = runPump({ running: (t) => t >= start }, 5 * 24);
    expect(opened(run)).toEqual([]);
    const after = run.filter((a) => a.atMs > start + 2 * DAY);
    expect(after.every((a) => a.running)).toBe(true);
    expect(Math.min(...after.map((a) => a.health))).toBeGreaterThan(0.85);
  });

  it('does not judge a stopped pump or its restart (a daily shift)', () => {
    const shift = (t: number): boolean => {
      const h = ((t - T0) / HOUR) % 24;
      return h >= 6 && h < 22;
    };
    const run = runPump({ running: shift }, 6 * 24);
    expect(opened(run)).toEqual([]);
    // Before its first start a pump's meter noise is all it knows: it cannot tell yet.
    const stopped = run.filter((a) => a.atMs > T0 + DAY && !shift(a.atMs));
    expect(stopped.every((a) => !a.running)).toBe(true);
  });

  it('takes a weather front of 5 °C for temperature that nothing else confirms', () => {
    const run = runPump({ ambient: front(T0 + 3 * DAY, 36, 5) }, 6 * 24);
    expect(opened(run)).toEqual([]);
  });

  it('judges temperature alone sooner on a machine whose temperature has stayed calm for days', () => {
    const rising = (onset: number) => (t: number) => 15 + 0.5 * Math.max(0, (t - onset) / HOUR);
    const riseWhenOpened = (onset: number): number | null => {
      const first = opened(runPump({ ambient: rising(onset) }, (onset - T0) / HOUR + 16))[0];
      return first === undefined ? null : 0.5 * ((first.atMs - onset) / HOUR);
    };
    // Two days in, the machine has not shown how far its environment moves it: a rise that no
    // other metric confirms is taken for weather until 8 °C (the baseline follows it meanwhile).
    expect(riseWhenOpened(T0 + 2 * DAY)).toBeNull();
    // After five calm days a rise beyond what any front does (5 °C) is enough.
    const calm = riseWhenOpened(T0 + 5 * DAY);
    expect(calm).toBeGreaterThanOrEqual(5.5);
    expect(calm).toBeLessThan(8);
  });

  it('alerts on a temperature rise that vibration confirms', () => {
    const onset = T0 + 3 * DAY;
    const ramp = (t: number): number => Math.max(0, (t - onset) / HOUR);
    const run = runPump({ ambient: (t) => 15 + 0.3 * ramp(t), vibration: (t) => 1 + 0.03 * ramp(t) }, 5 * 24);
    const first = opened(run)[0];
    expect(first).toBeDefined();
    expect((first?.atMs ?? Infinity) - onset).toBeLessThan(18 * HOUR);
  });

  it('follows a pump curve whose load moves a lot', () => {
    const load = (t: number): number => 0.85 + 0.25 * Math.sin((2 * Math.PI * (t - T0)) / (7 * HOUR));
    const run = runPump({ load }, 6 * 24);
    expect(opened(run)).toEqual([]);
    const judged = run.filter((a) => !a.learning && a.atMs > T0 + 2 * DAY);
    expect(Math.min(...judged.map((a) => a.health))).toBeGreaterThan(0.85);
  });

  it('ignores a loose connector: a burst of wild vibration readings for a few minutes', () => {
    const wild = new Set<number>();
    for (let burst = 0; burst < 6; burst++) {
      const at = T0 + 30 * HOUR + burst * 17 * HOUR;
      for (let i = 0; i < 6; i++) if (i % 3 !== 2) wild.add(at + i * STEP);
    }
    const run = runPump({ vibration: (t) => (wild.has(t) ? 8 : 1) }, 5 * 24);
    expect(opened(run)).toEqual([]);
  });

  it('announces a real fault that begins while an alert for another cause is open (masking)', () => {
    const warm = T0 + 3 * DAY;
    const wear = T0 + 4 * DAY;
    const run = runMotor(() => true, 5 * 24, {
      ambient: (t) => 15 + 15 * Math.min(1, Math.max(0, (t - warm) / (6 * HOUR))),
      vibration: (t) => 1 + 0.05 * Math.max(0, (t - wear) / HOUR),
    });
    const alerts = opened(run);
    expect(alerts.map((a) => a.alert.metric)).toEqual(['temperature_c', 'vibration_rms_mm_s']);
    expect(alerts[1]?.atMs ?? 0).toBeGreaterThan(wear);
  });
});
