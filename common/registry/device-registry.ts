import { EventEmitter } from 'node:events';
import type { DeviceRegistryRecord } from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import { UNMONITORED, type ConsumerMonitor } from '../kafka/consumer-monitor.js';
import type { ConsumedRecord, Following, KafkaPort } from '../kafka/port.js';
import { decodeRecord } from '../kafka/record-codec.js';

// Silence this long while still short of the end offsets means nothing is left to read.
const REGISTRY_IDLE_SETTLE_MS = 10_000;

export interface RegistryEvents {
  /** A device was created, changed (for example a rotated secret) or deleted (`record` null). */
  change: [deviceId: string, record: DeviceRegistryRecord | null, previous: DeviceRegistryRecord | undefined];
}

/**
 * The device registry as this process sees it: the compacted `iot.devices` topic read from the
 * beginning, then followed. Every process keeps the whole registry in memory (a device record is
 * a few hundred bytes, so a million devices is a few hundred MB; beyond that, shard the gateways).
 */
export class DeviceRegistryView extends EventEmitter<RegistryEvents> {
  private readonly devices = new Map<string, DeviceRegistryRecord>();
  private following: Following | undefined;
  private loaded = false;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly monitor: ConsumerMonitor = UNMONITORED,
  ) {
    super();
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  get size(): number {
    return this.devices.size;
  }

  get(deviceId: string): DeviceRegistryRecord | undefined {
    return this.devices.get(deviceId);
  }

  list(): DeviceRegistryRecord[] {
    return [...this.devices.values()];
  }

  /** Resolves once every record that existed at start has been read. */
  async start(): Promise<void> {
    // Offsets are never committed: every start reads the whole compacted topic again.
    this.following = await this.kafka.follow({
      name: 'registry',
      group: this.groupId,
      topics: [this.topic],
      from: 'beginning',
      handler: { eachRecord: (record) => this.read(record) },
      maxWaitMs: 250,
      settleWhenIdle: {
        ms: REGISTRY_IDLE_SETTLE_MS,
        onSettle: (pending) =>
          this.logger.warn(
            { partitions: pending },
            'registry end offsets never read (compacted away); treating as loaded',
          ),
      },
      monitor: this.monitor,
      logger: this.logger,
    });
    await this.following.caughtUp;
    this.loaded = true;
    this.logger.info({ devices: this.devices.size }, 'device registry loaded');
  }

  async stop(): Promise<void> {
    await this.following?.stop();
  }

  private read({ topic, message }: ConsumedRecord): void {
    const decoded = decodeRecord('devices', message);
    if (!decoded.ok) {
      this.monitor.skipped(topic, decoded.code);
      // A JSON syntax error quotes the text around it, which may be the secret hash.
      const err = decoded.code === 'invalid_json' ? decoded.code : decoded.reason;
      if (decoded.code !== 'no_key')
        this.logger.error({ deviceId: decoded.deviceId, err }, 'unreadable registry record ignored');
      return;
    }
    const { key: deviceId, value: record } = decoded;
    if (deviceId === undefined) return;
    const previous = this.devices.get(deviceId);
    if (record === null) {
      if (!previous) return;
      this.devices.delete(deviceId);
      this.emit('change', deviceId, null, previous);
      return;
    }
    this.devices.set(deviceId, record);
    this.emit('change', deviceId, record, previous);
  }
}
