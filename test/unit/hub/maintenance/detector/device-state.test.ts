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

const MOTOR = profilesFromConfig(configSchema.parse({}).maintenance).motor;
const STEP = 10 * MINUTE;
const DAY2 = T0 + 48 * HOUR;

interface Shape {
  vibration?: (t: number) => number;
  temperature?: (t: number) => number;
}

/** A motor at steady load: vibration 2 mm/s (×6% log-normal noise), 60 °C (±0.15), 1450 rpm (±2). */
function runMotor(shape: Shape, hours: number, seed = 11): Assessment[] {
  const noise = gaussian(seed);
  const state = deviceStateCreate('motor-1', 'motor', T0);
  const out: Assessment[] = [];
  for (let t = T0; t <= T0 + hours * HOUR; t += STEP) {
    const metrics = {
      speed_rpm: 1450 + 2 * noise(),
      vibration_rms_mm_s: 2 * Math.exp(0.06 * noise()) * (shape.vibration?.(t) ?? 1),
      temperature_c: 60 + 0.15 * noise() + (shape.temperature?.(t) ?? 0),
    };
    const a = observe(state, t, metrics, MOTOR, DEFAULT_PARAMS);
    if (a !== null) out.push(a);
  }
  return out;
}

const opened = (run: readonly Assessment[]): Assessment[] => run.filter((a) => a.change?.type === 'opened');

describe('device health on synthetic series', () => {
  it('leaves a noisy but healthy machine alone', () => {
    const run = runMotor({}, 5 * 24);
    expect(opened(run)).toEqual([]);
    expect(Math.min(...run.map((a) => a.health))).toBeGreaterThan(0.95);
  });

  it('ignores isolated vibration spikes', () => {
    const spikes = new Set(Array.from({ length: 20 }, (_, i) => T0 + 12 * HOUR + i * 6 * HOUR));
    const run = runMotor({ vibration: (t) => (spikes.has(t) ? 3.5 : 1) }, 5 * 24);
    expect(opened(run)).toEqual([]);
    expect(Math.min(...run.filter((a) => !a.learning).map((a) => a.health))).toBeGreaterThan(0.9);
  });

  it('fires on a lasting step, naming the metric', () => {
    const run = runMotor({ vibration: (t) => (t >= DAY2 ? 1.6 : 1) }, 3 * 24);
    const first = opened(run)[0];
    expect(first?.driver).toBe('vibration_rms_mm_s');
    expect((first?.atMs ?? Infinity) - DAY2).toBeLessThan(3 * HOUR);
    expect(opened(run)).toHaveLength(1);
  });

  it('fires on a drift', () => {
    const run = runMotor({ temperature: (t) => Math.max(0, (t - DAY2) / HOUR) * 1.5 }, 3 * 24);
    const first = opened(run)[0];
    expect(first?.driver).toBe('temperature_c');
    expect((first?.atMs ?? Infinity) - DAY2).toBeLessThan(8 * HOUR);
  });

  it('tracks an exponential degradation: falling health, an early alert, RUL within 20% at half-way', () => {
    const windowH = 24;
    const failure = DAY2 + windowH * HOUR;
    const half = DAY2 + (windowH / 2) * HOUR;
    const wear = (t: number): number => {
      const p = Math.min(1, Math.max(0, (t - DAY2) / (windowH * HOUR)));
      return 1 + (7 * Math.expm1(4 * p)) / Math.expm1(4);
    };
    const run = runMotor({ vibration: wear }, (failure - T0) / HOUR - 1);
    const atHalf = run.find((a) => a.atMs >= half);
    const truth = (failure - half) / HOUR;
    expect(atHalf?.rulHours).not.toBeNull();
    expect(Math.abs((atHalf?.rulHours ?? 0) - truth)).toBeLessThan(0.2 * truth);
    expect((opened(run)[0]?.atMs ?? Infinity) < half).toBe(true);
    const late = run.filter((a) => a.atMs > half);
    expect(late.at(-1)?.health).toBeLessThan(atHalf?.health ?? 0);
    expect(late.at(-1)?.alert.severity).toBe('critical');
  });

  it('ignores a reading it has already seen, so a replay changes nothing', () => {
    const state = deviceStateCreate('motor-1', 'motor', T0);
    const reading = { speed_rpm: 1450, vibration_rms_mm_s: 2, temperature_c: 60 };
    expect(observe(state, T0, reading, MOTOR, DEFAULT_PARAMS)).not.toBeNull();
    const before = structuredClone(state);
    expect(observe(state, T0, reading, MOTOR, DEFAULT_PARAMS)).toBeNull();
    expect(observe(state, T0 - 1, reading, MOTOR, DEFAULT_PARAMS)).toBeNull();
    expect(state).toEqual(before);
  });

  it('holds health while the machine is stopped', () => {
    const state = deviceStateCreate('motor-1', 'motor', T0);
    observe(state, T0, { speed_rpm: 1450, vibration_rms_mm_s: 2, temperature_c: 60 }, MOTOR, DEFAULT_PARAMS);
    const stopped = observe(
      state,
      T0 + HOUR,
      { speed_rpm: 0, vibration_rms_mm_s: 0.02, temperature_c: 30 },
      MOTOR,
      DEFAULT_PARAMS,
    );
    expect(stopped).toMatchObject({ running: false, health: 1, change: null });
  });
});
