import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../../../contracts/index.js';
import { fleetChangesCoalescer, telemetryCoalescer } from '../../../../hub/fleet/coalescers.js';

const row = (deviceId: string, online: boolean): DeviceState => ({
  deviceId,
  registered: true,
  online,
  alerts: [],
});

describe('coalescers', () => {
  it('keep the newest reading per device, counting the ones a slow console will not get', () => {
    const held = {
      type: 'telemetry' as const,
      samples: [
        { deviceId: 'a', ts: 1, metrics: { t: 1 } },
        { deviceId: 'b', ts: 1, metrics: { t: 1 } },
      ],
    };
    const next = {
      type: 'telemetry' as const,
      samples: [
        { deviceId: 'a', ts: 2, metrics: { t: 2 } },
        { deviceId: 'b', ts: 0, metrics: { t: 0 } },
      ],
    };
    const merged = telemetryCoalescer.merge(held, next);
    expect(merged.lost).toBe(2);
    expect(merged.value).toEqual({
      type: 'telemetry',
      samples: [
        { deviceId: 'a', ts: 2, metrics: { t: 2 } },
        { deviceId: 'b', ts: 1, metrics: { t: 1 } },
      ],
      skipped: 2,
    });
    expect(held.samples).toHaveLength(2);
  });

  it('merge fleet changes into what a console must apply to end up where the hub is', () => {
    const held = {
      type: 'fleetChanges' as const,
      at: 1,
      devices: [row('a', false), row('b', false)],
      removed: ['c'],
      seen: { a: 5, d: 7 },
    };
    const next = {
      type: 'fleetChanges' as const,
      at: 2,
      devices: [row('a', true), row('c', true)],
      removed: ['b', 'd'],
      seen: { a: 4, e: 9 },
    };
    const { value, lost } = fleetChangesCoalescer.merge(held, next);
    expect(lost).toBe(1);
    expect(value).toEqual({
      type: 'fleetChanges',
      at: 2,
      devices: [row('a', true), row('c', true)],
      removed: ['b', 'd'],
      seen: { a: 5, e: 9 },
    });
    expect(held.devices).toHaveLength(2);
  });
});
