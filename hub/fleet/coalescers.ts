import type { FleetChangesMessage, TelemetryMessage, TelemetrySample } from '../../contracts/index.js';
import { frameOf, type Coalescer } from '../console/console-connection.js';

/** Readings for a slow console: the latest per device wins; `skipped` counts the others. */
export const telemetryCoalescer: Coalescer<TelemetryMessage> = {
  type: 'telemetry',
  merge(held, next) {
    const byDevice = new Map<string, TelemetrySample>(held.samples.map((s) => [s.deviceId, s]));
    let lost = 0;
    for (const sample of next.samples) {
      const previous = byDevice.get(sample.deviceId);
      if (previous !== undefined) lost++;
      // A reading that arrives late (device time) does not replace a newer one.
      if (previous === undefined || sample.ts >= previous.ts) byDevice.set(sample.deviceId, sample);
    }
    const skipped = (held.skipped ?? 0) + (next.skipped ?? 0) + lost;
    return { value: { type: 'telemetry', samples: [...byDevice.values()], skipped }, lost };
  },
  frame: (value) => frameOf(value, false),
};

/** Fleet changes for a slow console: rows by device (latest wins), removals, newest lastSeen. */
export const fleetChangesCoalescer: Coalescer<FleetChangesMessage> = {
  type: 'fleetChanges',
  merge(held, next) {
    const devices = new Map(held.devices.map((d) => [d.deviceId, d]));
    const removed = new Set(held.removed);
    const seen = { ...held.seen };
    let lost = 0;
    for (const id of next.removed) {
      devices.delete(id);
      removed.add(id);
      delete seen[id];
    }
    for (const device of next.devices) {
      if (devices.has(device.deviceId)) lost++;
      devices.set(device.deviceId, device);
      removed.delete(device.deviceId);
    }
    for (const [id, time] of Object.entries(next.seen)) seen[id] = Math.max(seen[id] ?? 0, time);
    return {
      value: {
        type: 'fleetChanges',
        at: next.at,
        devices: [...devices.values()],
        removed: [...removed],
        seen,
      },
      lost,
    };
  },
  frame: (value) => frameOf(value, false),
};
