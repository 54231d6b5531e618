import type {
  CreatedDevice,
  DeviceRegistryRecord,
  DeviceSummary,
  JsonObject,
  RotatedSecret,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import { waitForRecord, type RegistryFeed } from './registry-feed.js';

/** Where registry changes are written; RegistryWriter in the hub. */
export interface RegistryStore {
  put(record: DeviceRegistryRecord): Promise<void>;
  remove(deviceId: string): Promise<void>;
}

export interface DeviceSecrets {
  generate(): string;
  hash(secret: string): Promise<string>;
}

export interface DeviceServiceOptions {
  feed: RegistryFeed;
  store: RegistryStore;
  secrets: DeviceSecrets;
  now(): number;
  /** How long a change waits to show up in `feed`, so that the next read sees it. */
  catchUpMs: number;
  logger: Logger;
}

export type DeviceOutcome<T> = { ok: true; value: T } | { ok: false; code: 'exists' | 'not_found' | 'busy' };

export function toSummary(record: DeviceRegistryRecord): DeviceSummary {
  return { id: record.deviceId, createdAt: record.createdAt, attributes: record.attributes };
}

/**
 * Provisioning, listing, removal and secret rotation over the registry topic. Writes wait until
 * this process's view has seen them, so a read that follows a write sees its effect.
 *
 * Two changes to one device in this process never overlap (the second is `busy`); two hub
 * processes changing the same device at once are not coordinated, and the later record wins.
 */
export class DeviceService {
  private readonly changing = new Set<string>();

  constructor(private readonly options: DeviceServiceOptions) {}

  get(deviceId: string): DeviceSummary | undefined {
    const record = this.options.feed.get(deviceId);
    return record && toSummary(record);
  }

  list(page: { limit: number; offset: number }): { devices: DeviceSummary[]; total: number } {
    const all = this.options.feed.list().toSorted((a, b) => (a.deviceId < b.deviceId ? -1 : 1));
    return { devices: all.slice(page.offset, page.offset + page.limit).map(toSummary), total: all.length };
  }

  create(deviceId: string, attributes: JsonObject): Promise<DeviceOutcome<CreatedDevice>> {
    return this.exclusive(deviceId, async () => {
      if (this.options.feed.get(deviceId)) return { ok: false, code: 'exists' };
      const secret = this.options.secrets.generate();
      const record: DeviceRegistryRecord = {
        deviceId,
        secretHash: await this.options.secrets.hash(secret),
        createdAt: this.options.now(),
        attributes,
      };
      await this.options.store.put(record);
      await this.caughtUp(deviceId, (r) => r?.secretHash === record.secretHash);
      this.options.logger.info({ deviceId }, 'device created');
      return { ok: true, value: { ...toSummary(record), secret } };
    });
  }

  remove(deviceId: string): Promise<DeviceOutcome<undefined>> {
    return this.exclusive(deviceId, async () => {
      if (!this.options.feed.get(deviceId)) return { ok: false, code: 'not_found' };
      await this.options.store.remove(deviceId);
      await this.caughtUp(deviceId, (r) => r === undefined);
      this.options.logger.info({ deviceId }, 'device removed');
      return { ok: true, value: undefined };
    });
  }

  rotateSecret(deviceId: string): Promise<DeviceOutcome<RotatedSecret>> {
    return this.exclusive(deviceId, async () => {
      const current = this.options.feed.get(deviceId);
      if (!current) return { ok: false, code: 'not_found' };
      const secret = this.options.secrets.generate();
      const secretHash = await this.options.secrets.hash(secret);
      await this.options.store.put({ ...current, secretHash });
      await this.caughtUp(deviceId, (r) => r?.secretHash === secretHash);
      this.options.logger.info({ deviceId }, 'device secret rotated');
      return { ok: true, value: { id: deviceId, secret } };
    });
  }

  private async exclusive<T>(
    deviceId: string,
    change: () => Promise<DeviceOutcome<T>>,
  ): Promise<DeviceOutcome<T>> {
    if (this.changing.has(deviceId)) return { ok: false, code: 'busy' };
    this.changing.add(deviceId);
    try {
      return await change();
    } finally {
      this.changing.delete(deviceId);
    }
  }

  // Kafka has acknowledged the write (acks=all), so it stands even if this view is slow; the
  // caller still gets its answer, and a secret it can never see again is not withheld.
  private async caughtUp(
    deviceId: string,
    predicate: (record: DeviceRegistryRecord | undefined) => boolean,
  ): Promise<void> {
    if (await waitForRecord(this.options.feed, deviceId, predicate, this.options.catchUpMs)) return;
    this.options.logger.warn(
      { deviceId, waitedMs: this.options.catchUpMs },
      'registry view has not caught up with a write yet; reads may briefly miss it',
    );
  }
}
