import type { DeviceRegistryRecord } from '../../contracts/index.js';

/** The parts of DeviceRegistryView the hub reads: current records and their change events. */
export interface RegistryFeed {
  get(deviceId: string): DeviceRegistryRecord | undefined;
  list(): DeviceRegistryRecord[];
  on(event: 'change', listener: (deviceId: string) => void): unknown;
  off(event: 'change', listener: (deviceId: string) => void): unknown;
}

/**
 * Resolves true once `predicate` holds for the device's record in `feed` (now or after a later
 * change), false when `timeoutMs` passes first.
 */
export function waitForRecord(
  feed: RegistryFeed,
  deviceId: string,
  predicate: (record: DeviceRegistryRecord | undefined) => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (predicate(feed.get(deviceId))) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (seen: boolean): void => {
      clearTimeout(timer);
      feed.off('change', onChange);
      resolve(seen);
    };
    const onChange = (changed: string): void => {
      if (changed === deviceId && predicate(feed.get(deviceId))) done(true);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    feed.on('change', onChange);
  });
}
