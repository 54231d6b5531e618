import { EventEmitter } from 'node:events';
import type { DeviceRegistryRecord } from '../../../../contracts/index.js';
import type { RegistryStore } from '../../../../hub/devices/device-service.js';
import type { RegistryFeed } from '../../../../hub/devices/registry-feed.js';

/** A registry feed and store in memory; `delayMs` stands for the trip through Kafka. */
export class FakeRegistry extends EventEmitter<{ change: [string] }> implements RegistryFeed, RegistryStore {
  readonly records = new Map<string, DeviceRegistryRecord>();
  readonly writes: (DeviceRegistryRecord | string)[] = [];
  delayMs = 0;
  /** When set, writes are acknowledged but never show up in the feed. */
  lagging = false;
  failWrites = false;

  get(deviceId: string): DeviceRegistryRecord | undefined {
    return this.records.get(deviceId);
  }

  list(): DeviceRegistryRecord[] {
    return [...this.records.values()];
  }

  put(record: DeviceRegistryRecord): Promise<void> {
    return this.write(record.deviceId, record);
  }

  remove(deviceId: string): Promise<void> {
    return this.write(deviceId, null);
  }

  private write(deviceId: string, record: DeviceRegistryRecord | null): Promise<void> {
    if (this.failWrites) return Promise.reject(new Error('broker unavailable'));
    this.writes.push(record ?? deviceId);
    if (!this.lagging)
      setTimeout(() => {
        if (record) this.records.set(deviceId, record);
        else this.records.delete(deviceId);
        this.emit('change', deviceId);
      }, this.delayMs);
    return Promise.resolve();
  }
}
