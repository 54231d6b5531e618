import { describe, expect, it } from 'vitest';
import type { Reading } from '../../../../contracts/index.js';
import { exponentialShare, kneeShare, stepDriftShare } from '../../../../device-sim/model/fault-shapes.js';
import { METRICS } from '../../../../contracts/index.js';
import {
  EXTENDED_FAILURE_MODES_BY_MACHINE,
  type DeviceSpec,
  type FailureMode,
  type FaultSpec,
} from '../../../../device-sim/model/types.js';
import { DAY, effectsFleet, metric, trace } from '../helpers.js';

const MINUTE = 60_000;
const specs = effectsFleet(['faults-extended'], { devices: 120, faults: 1, horizonMs: 8 * DAY });

function withMode(mode: FailureMode): DeviceSpec & { fault: FaultSpec } {
  const found = specs.find((s) => s.fault?.mode === mode);
  if (found?.fault == null) throw new Error(`no device with ${mode}`);
  return found as DeviceSpec & { fault: FaultSpec };
}

/**
 * A metric of the faulty device against the same device without its fault, at given shares of
 * the degradation window: same load, same noise, so what is left is the fault.
 */
function against(spec: DeviceSpec & { fault: FaultSpec }, name: string, at: readonly number[]) {
  const { onsetMs, failureMs } = spec.fault;
  const faulty = trace(spec, MINUTE, failureMs - MINUTE).readings;
  const healthy = trace({ ...spec, fault: null }, MINUTE, failureMs - MINUTE).readings;
  const index = (p: number): number =>
    Math.round((onsetMs + p * (failureMs - onsetMs) - (faulty[0]?.ts ?? 0)) / MINUTE);
  const value = (rs: Reading[], p: number): number => metric(rs[index(p)] as Reading, name);
  return {
    ratio: at.map((p) => value(faulty, p) / value(healthy, p)),
    diff: at.map((p) => value(faulty, p) - value(healthy, p)),
  };
}

function increasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));
}

describe('extended fault shapes', () => {
  it('draws every extended mode with its own shape, keeping onset and failure times', () => {
    const modes = new Set(specs.map((s) => s.fault?.mode));
    for (const m of [...EXTENDED_FAILURE_MODES_BY_MACHINE.pump, ...EXTENDED_FAILURE_MODES_BY_MACHINE.motor])
      expect(modes).toContain(m);
    const plain = effectsFleet(['weather'], { devices: 120, faults: 1, horizonMs: 8 * DAY });
    specs.forEach((s, i) => {
      expect(s.fault?.onsetMs).toBe(plain[i]?.fault?.onsetMs);
      expect(s.fault?.failureMs).toBe(plain[i]?.fault?.failureMs);
    });
    expect(withMode('leak').fault.shape?.severity).toBeGreaterThanOrEqual(0.75);
    expect(withMode('bearing_wear').fault.shape).toBeUndefined();
  });

  it('has the shapes it is named for', () => {
    expect(exponentialShare(0.5, 0)).toBeCloseTo(0.5, 9);
    expect(exponentialShare(0.5, 3)).toBeLessThan(0.25);
    expect(kneeShare(0.7, 0.7)).toBeCloseTo(0.15, 9);
    expect(kneeShare(1, 0.7)).toBeCloseTo(1, 9);
    expect(kneeShare(0.85, 0.7) - kneeShare(0.7, 0.7)).toBeGreaterThan(
      2 * (kneeShare(0.7, 0.7) - kneeShare(0.55, 0.7)),
    );
    expect(stepDriftShare(0, 0.4)).toBe(0);
    expect(stepDriftShare(0.001, 0.4)).toBeCloseTo(0.4, 2);
  });

  it('exponential wear (bearing spall): vibration climbs faster and faster', () => {
    const { ratio } = against(withMode('bearing_spall'), METRICS.vibration, [0.2, 0.4, 0.6, 0.8, 0.98]);
    expect(increasing(ratio)).toBe(true);
    const logs = ratio.map(Math.log);
    // In log space it rises at least linearly: each step at least as big as the first.
    for (let i = 2; i < logs.length; i++)
      expect((logs[i] as number) - (logs[i - 1] as number)).toBeGreaterThan(
        0.8 * ((logs[1] as number) - (logs[0] as number)),
      );
    expect(ratio.at(-1)).toBeGreaterThan(4);
  });

  it('slow rise then a knee (lubrication loss): little before the knee, steep after', () => {
    const spec = withMode('lubrication_loss');
    const knee = spec.fault.shape?.knee ?? 0.7;
    const { ratio, diff } = against(spec, METRICS.vibration, [knee - 0.05, 0.98]);
    expect(ratio[0]).toBeLessThan(2);
    expect(ratio[1]).toBeGreaterThan(3);
    const heat = against(spec, METRICS.temperature, [knee - 0.05, 0.98]).diff;
    expect(heat[1]).toBeGreaterThan(3 * (heat[0] as number));
    expect(diff[1]).toBeGreaterThan(diff[0] as number);
  });

  it('step then drift (loose mount): a jump at onset, then a steady rise', () => {
    const spec = withMode('loose_mount');
    const { ratio } = against(spec, METRICS.vibration, [0.01, 0.35, 0.7, 0.98]);
    expect(ratio[0]).toBeGreaterThan(1.8);
    expect(increasing(ratio)).toBe(true);
  });

  it('leak: pressure falls and current rises', () => {
    const spec = withMode('leak');
    const pressure = against(spec, METRICS.pressure, [0.3, 0.98]).ratio;
    const current = against(spec, METRICS.current, [0.3, 0.98]).ratio;
    expect(pressure[1]).toBeLessThan(0.85);
    expect(pressure[1]).toBeLessThan(pressure[0] as number);
    expect(current[1]).toBeGreaterThan(1.05);
  });

  it('winding short: a little extra current at once, then heat', () => {
    const spec = withMode('winding_short');
    const current = against(spec, METRICS.current, [0.02, 0.98]).ratio;
    const heat = against(spec, METRICS.temperature, [0.02, 0.98]).diff;
    expect(current[0]).toBeGreaterThan(1.005);
    expect(current[1]).toBeGreaterThan(1.1);
    expect(heat[1]).toBeGreaterThan(15);
  });

  it('cooling fouling: temperature rises over ambient, nothing else changes', () => {
    const spec = withMode('cooling_fouling');
    const heat = against(spec, METRICS.temperature, [0.25, 0.5, 0.98]).diff;
    expect(increasing(heat)).toBe(true);
    expect(heat[2]).toBeGreaterThan(8);
    expect(against(spec, METRICS.vibration, [0.98]).ratio[0]).toBeCloseTo(1, 9);
  });
});
