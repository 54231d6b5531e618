import { describe, expect, it } from 'vitest';
import { isValidDeviceId } from '../../../contracts/index.js';
import { generateFleet } from '../../../device-sim/fleet.js';
import { FAILURE_MODES_BY_MACHINE } from '../../../device-sim/model/types.js';
import { DAY, HOUR, START_MS, fleet } from './helpers.js';

describe('generateFleet', () => {
  it('gives the same fleet for the same seed', () => {
    expect(fleet({ seed: 5 })).toEqual(fleet({ seed: 5 }));
  });

  it('gives a different fleet for a different seed', () => {
    expect(fleet({ seed: 5 })).not.toEqual(fleet({ seed: 6 }));
  });

  it('makes valid, zero-padded, unique device ids with the prefix', () => {
    const specs = fleet({ devices: 12, prefix: 'plant-a.' });
    expect(specs[0]?.deviceId).toBe('plant-a.0001');
    expect(new Set(specs.map((s) => s.deviceId)).size).toBe(12);
    expect(specs.every((s) => isValidDeviceId(s.deviceId))).toBe(true);
    expect(
      generateFleet({ devices: 12_345, seed: 1, faults: 0, prefix: 'x', startMs: 0, horizonMs: DAY }).at(-1)
        ?.deviceId,
    ).toBe('x12345');
  });

  it('makes exactly the faulty fraction degrade, with a mode that fits the machine', () => {
    const specs = fleet({ devices: 200, faults: 0.15 });
    const faulty = specs.filter((s) => s.fault !== null);
    expect(faulty).toHaveLength(30);
    for (const s of faulty) expect(FAILURE_MODES_BY_MACHINE[s.machineType]).toContain(s.fault?.mode);
    expect(new Set(specs.map((s) => s.machineType))).toEqual(new Set(['pump', 'motor']));
  });

  it('places degradation windows of 6-48 h inside the horizon, after a healthy start', () => {
    const horizonMs = 10 * DAY;
    for (const s of fleet({ devices: 300, faults: 1, horizonMs })) {
      const f = s.fault;
      if (f === null) throw new Error('every device should be faulty');
      expect(f.failureMs - f.onsetMs).toBeGreaterThanOrEqual(6 * HOUR);
      expect(f.failureMs - f.onsetMs).toBeLessThanOrEqual(48 * HOUR);
      expect(f.onsetMs).toBeGreaterThan(START_MS);
      expect(f.failureMs).toBeLessThanOrEqual(START_MS + horizonMs);
    }
  });

  it('starts degrading at once when the horizon is shorter than the window', () => {
    const specs = fleet({ faults: 1, horizonMs: HOUR });
    expect(specs.every((s) => s.fault?.onsetMs === START_MS && s.fault.failureMs > START_MS + HOUR)).toBe(
      true,
    );
  });

  it("keeps a device's own properties when the fleet grows", () => {
    const small = fleet({ devices: 10, faults: 0 });
    const large = fleet({ devices: 50, faults: 0 });
    expect(large.slice(0, 10)).toEqual(small);
  });

  it('refuses a prefix that cannot make a device id, and bad sizes', () => {
    expect(() => fleet({ prefix: 'a/b' })).toThrow(TypeError);
    expect(() => fleet({ devices: -1 })).toThrow(RangeError);
    expect(() => fleet({ faults: 1.5 })).toThrow(RangeError);
  });
});
