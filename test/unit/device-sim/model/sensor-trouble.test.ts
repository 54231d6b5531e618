import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../../contracts/index.js';
import { METRICS } from '../../../../contracts/index.js';
import { simulateDevice } from '../../../../device-sim/model/simulate.js';
import { initialState, stepDevice } from '../../../../device-sim/model/step.js';
import type { DeviceSpec, ModelState } from '../../../../device-sim/model/types.js';
import { DAY, HOUR, START_MS, effectsFleet, metric } from '../helpers.js';

const MINUTE = 60_000;

/** Every reading in the order the transport delivers it, and the instants it was measured at. */
function delivered(
  spec: DeviceSpec,
  stepMs: number,
  untilMs: number,
): { readings: Reading[]; measuredMs: number[] } {
  const readings: Reading[] = [];
  const measuredMs: number[] = [];
  for (const s of simulateDevice(spec, { fromMs: START_MS, toMs: untilMs, intervalMs: stepMs })) {
    measuredMs.push(s.atMs);
    readings.push(...s.late);
    if (s.reading !== null) readings.push(s.reading);
  }
  return { readings, measuredMs };
}

const ts = (r: Reading): number => r.ts ?? 0;

describe('glitch bursts (a loose connector)', () => {
  const specs = effectsFleet(['glitches'], { devices: 60, faults: 0 });
  const loose = specs.filter((s) => s.effects?.glitches != null);

  it('affect a share of the devices, more with a higher trouble rate', () => {
    expect(loose.length).toBeGreaterThan(4);
    expect(loose.length).toBeLessThan(25);
    const harsh = effectsFleet(['glitches'], {
      devices: 60,
      faults: 0,
      effects: { enabled: ['glitches'], troubleRate: 3 },
    });
    expect(harsh.filter((s) => s.effects?.glitches != null).length).toBeGreaterThan(2 * loose.length);
  });

  it('are short bursts of wild vibration and current readings', () => {
    let bursts = 0;
    for (const spec of loose.slice(0, 4)) {
      const g = spec.effects?.glitches;
      if (!g) throw new Error('no glitches');
      const windows: [number, number][] = [];
      const wild: number[] = [];
      let state: ModelState = initialState(spec, START_MS);
      const vib: number[] = [];
      const readings: Reading[] = [];
      for (let t = START_MS; t < START_MS + 4 * DAY; t += 10_000) {
        const step = stepDevice(spec, state, t);
        state = step.state;
        const fx = state.fx;
        if (fx && fx.glitchEndMs > 0 && windows.at(-1)?.[0] !== fx.glitchStartMs)
          windows.push([fx.glitchStartMs, fx.glitchEndMs]);
        if (step.reading) {
          readings.push(step.reading);
          vib.push(metric(step.reading, METRICS.vibration));
        }
      }
      const median = [...vib].sort((a, b) => a - b)[vib.length >> 1] as number;
      for (const r of readings) if (metric(r, METRICS.vibration) > 5.5 * median) wild.push(ts(r));
      expect(wild.length).toBeGreaterThan(0);
      for (const at of wild) expect(windows.some(([a, b]) => at >= a && at < b)).toBe(true);
      for (const [a, b] of windows) {
        expect(b - a).toBeGreaterThanOrEqual(g.minBurstMs);
        expect(b - a).toBeLessThanOrEqual(g.maxBurstMs);
        expect(b - a).toBeLessThanOrEqual(8 * MINUTE);
      }
      bursts += windows.length;
    }
    expect(bursts).toBeGreaterThan(4);
  });
});

describe('dropouts', () => {
  const specs = effectsFleet(['dropouts'], { devices: 60, faults: 0 });
  const flaky = specs.filter((s) => s.effects?.dropouts != null);

  it('leave gaps of minutes to hours in the readings', () => {
    const gaps: number[] = [];
    for (const spec of flaky.slice(0, 8)) {
      const times = delivered(spec, MINUTE, START_MS + 7 * DAY)
        .readings.map(ts)
        .sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) {
        const gap = (times[i] as number) - (times[i - 1] as number);
        if (gap > MINUTE) gaps.push(gap);
      }
    }
    expect(gaps.length).toBeGreaterThan(5);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(5 * MINUTE);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(6 * HOUR + 2 * MINUTE);
    expect(Math.max(...gaps)).toBeGreaterThan(HOUR);
  });

  it('deliver a buffered outage late, in one burst, in order', () => {
    let flushed = 0;
    for (const spec of flaky) {
      for (const s of simulateDevice(spec, {
        fromMs: START_MS,
        toMs: START_MS + 7 * DAY,
        intervalMs: MINUTE,
      })) {
        if (s.late.length < 5) continue;
        flushed++;
        const times = s.late.map(ts);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(Math.max(...times)).toBeLessThan(s.atMs);
      }
    }
    expect(flushed).toBeGreaterThan(0);
  });
});

describe('late readings', () => {
  const specs = effectsFleet(['late-readings'], { devices: 60, faults: 0 });
  const lagging = specs.filter((s) => s.effects?.late != null);

  it('arrive after newer ones, delayed by at most the spec, and none is lost', () => {
    let outOfOrder = 0;
    for (const spec of lagging.slice(0, 5)) {
      const { readings, measuredMs } = delivered(spec, MINUTE, START_MS + 2 * DAY);
      let newest = -Infinity;
      for (const r of readings) {
        if (ts(r) < newest) outOfOrder++;
        newest = Math.max(newest, ts(r));
      }
      const got = new Set(readings.map(ts));
      // Only readings still held back at the end of the trace are missing.
      const missing = measuredMs.filter((t) => !got.has(t));
      for (const t of missing) expect(t).toBeGreaterThan(START_MS + 2 * DAY - 21 * MINUTE);
    }
    expect(outOfOrder).toBeGreaterThan(10);
  });
});

describe('effect state', () => {
  it('is not changed by a step, held readings included', () => {
    const spec = effectsFleet(['dropouts', 'late-readings', 'glitches'], {
      devices: 60,
      faults: 0,
      effects: { enabled: ['dropouts', 'late-readings', 'glitches'], troubleRate: 5 },
    })[0] as DeviceSpec;
    let state = initialState(spec, START_MS);
    for (let t = START_MS; t < START_MS + DAY; t += MINUTE) {
      const copy = structuredClone(state);
      const next = stepDevice(spec, state, t).state;
      expect(state).toEqual(copy);
      state = next;
    }
    expect(state.fx).toBeDefined();
  });
});
