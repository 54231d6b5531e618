import { describe, expect, it } from 'vitest';
import { NO_SYMPTOMS } from '../../../../device-sim/model/degradation.js';
import { processRunning, temperatureTarget } from '../../../../device-sim/model/machine.js';
import { METRICS } from '../../../../contracts/index.js';
import { currentShare, slipAt } from '../../../../device-sim/model/motor-physics.js';
import { headBar, shaftPowerShare } from '../../../../device-sim/model/pump-curve.js';
import { initialState, stepDevice } from '../../../../device-sim/model/step.js';
import type { DeviceSpec, ModelState } from '../../../../device-sim/model/types.js';
import { ambientAt } from '../../../../device-sim/model/weather.js';
import { DAY, HOUR, START_MS, effectsFleet, metric, trace } from '../helpers.js';

const MINUTE = 60_000;
const specs = effectsFleet(['pump-curves', 'motor-physics'], { devices: 40, faults: 0 });
const pump = specs.find((s) => s.machineType === 'pump') as Extract<DeviceSpec, { machineType: 'pump' }>;
const motor = specs.find((s) => s.machineType === 'motor') as Extract<DeviceSpec, { machineType: 'motor' }>;

/** Least squares y = a + b·x with its R². */
function fit(xs: readonly number[], ys: readonly number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const b = sxy / sxx;
  return { a: my - b * mx, b, r2: (sxy * sxy) / (sxx * syy) };
}

describe('pump curves', () => {
  it('make pressure fall linearly with flow squared, from the shut-off head', () => {
    const curve = pump.effects?.pumpCurve;
    if (!curve) throw new Error('no curve');
    const { readings } = trace(pump, 10 * MINUTE, START_MS + 4 * DAY);
    const q2 = readings.map((r) => (metric(r, METRICS.flow) / pump.ratings.flowM3h) ** 2);
    const pressure = readings.map((r) => metric(r, METRICS.pressure));
    const line = fit(q2, pressure);
    expect(line.b).toBeLessThan(0);
    expect(line.r2).toBeGreaterThan(0.9);
    expect(line.a).toBeCloseTo(headBar(pump.ratings, curve, 0), 0);
    expect(line.a / headBar(pump.ratings, curve, 0)).toBeCloseTo(1, 1);
  });

  it('draw current that follows shaft power, rising with flow', () => {
    const curve = pump.effects?.pumpCurve;
    if (!curve) throw new Error('no curve');
    expect(shaftPowerShare(curve, 1)).toBeCloseTo(1, 9);
    for (let q = 0.3; q < 1.4; q += 0.1)
      expect(shaftPowerShare(curve, q + 0.1)).toBeGreaterThan(shaftPowerShare(curve, q));
    const { readings } = trace(pump, 10 * MINUTE, START_MS + 4 * DAY);
    const line = fit(
      readings.map((r) => metric(r, METRICS.flow)),
      readings.map((r) => metric(r, METRICS.current)),
    );
    expect(line.b).toBeGreaterThan(0);
    expect(line.r2).toBeGreaterThan(0.8);
  });

  it('leave pumps without the effect on the original throttled duty point', () => {
    const plain = effectsFleet(['weather'], { devices: 40, faults: 0 }).find((s) => s.machineType === 'pump');
    if (plain === undefined) throw new Error('no pump');
    const { readings } = trace(plain, 10 * MINUTE, START_MS + 2 * DAY);
    const line = fit(
      readings.map((r) => metric(r, METRICS.flow)),
      readings.map((r) => metric(r, METRICS.pressure)),
    );
    expect(line.b).toBeGreaterThan(0);
  });
});

describe('motor physics', () => {
  it('adds magnetising and load current in quadrature', () => {
    const phys = motor.effects?.motorPhysics;
    if (!phys) throw new Error('no physics');
    expect(currentShare(phys, 0)).toBeCloseTo(phys.magnetisingShare, 9);
    expect(currentShare(phys, 1)).toBeCloseTo(1, 9);
    expect(currentShare(phys, 0.5)).toBeLessThan(0.5 * (phys.magnetisingShare + 1));
  });

  it('slips more under load and when hot', () => {
    expect(slipAt(motor.ratings, 1, 40)).toBeGreaterThan(slipAt(motor.ratings, 0.5, 40));
    expect(slipAt(motor.ratings, 1, 100)).toBeGreaterThan(slipAt(motor.ratings, 1, 40) * 1.15);
    expect(slipAt(motor.ratings, 1, 75)).toBeCloseTo(motor.ratings.slip, 9);
  });

  it('heats with the square of its current', () => {
    const ambient = 20;
    const rise = (load: number): number => temperatureTarget(motor, load, ambient, NO_SYMPTOMS) - ambient;
    expect(rise(1)).toBeCloseTo(motor.ratings.temperatureRiseC, 6);
    expect(rise(1) - rise(0.75)).toBeGreaterThan(rise(0.5) - rise(0.25));
  });
});

describe('thermal lag', () => {
  it('warms a machine after a start with its own time constant', () => {
    const fleet = effectsFleet(['motor-physics', 'pump-curves', 'duty'], { devices: 80, faults: 0 });
    const spec = fleet.find(
      (s) => s.machineType === 'motor' && s.effects?.duty?.kind === 'batch',
    ) as DeviceSpec;
    const tau = spec.effects?.thermalTauMs;
    if (tau == null) throw new Error('no time constant');
    let state: ModelState = initialState(spec, START_MS);
    let stoppedFor = 0;
    for (let t = START_MS; t < START_MS + 7 * DAY; t += MINUTE) {
      const running = processRunning(spec, t);
      if (running && stoppedFor >= 3 * tau && processRunning(spec, t + tau)) {
        state = stepDevice(spec, state, t).state;
        const cold = state.temperatureC;
        for (let u = t; u <= t + tau; u += MINUTE) state = stepDevice(spec, state, u).state;
        const hot = temperatureTarget(spec, state.load, ambientAt(spec, t + tau), NO_SYMPTOMS);
        expect((state.temperatureC - cold) / (hot - cold)).toBeCloseTo(1 - Math.exp(-1), 1);
        return;
      }
      stoppedFor = running ? 0 : stoppedFor + MINUTE;
      state = stepDevice(spec, state, t).state;
    }
    throw new Error(`no start after a long pause in a week (tau ${tau / HOUR} h)`);
  });
});
