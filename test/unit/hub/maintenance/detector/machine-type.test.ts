import { describe, expect, it } from 'vitest';
import { machineTypeOf } from '../../../../../hub/maintenance/detector/machine-type.js';

describe('machine type', () => {
  it('takes the registry attribute first', () => {
    expect(machineTypeOf({ machineType: 'motor' }, { pressure_bar: 3 })).toBe('motor');
  });

  it('otherwise infers it from the metrics: pumps report pressure or flow, motors speed', () => {
    expect(machineTypeOf(undefined, { temperature_c: 40, flow_m3h: 50 })).toBe('pump');
    expect(machineTypeOf({ machineType: 'robot' }, { speed_rpm: 1450 })).toBe('motor');
    expect(machineTypeOf({}, { temperature_c: 40 })).toBeNull();
  });
});
