import { EventEmitter } from 'node:events';
import type { Consumer, Kafka } from 'kafkajs';
import { deviceRegistryRecordSchema, type DeviceRegistryRecord } from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import { retryKafkaStartup } from '../kafka/startup-retry.js';

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
  private consumer: Consumer | undefined;
  private loaded = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly logger: Logger,
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
    const ends = await retryKafkaStartup(
      'reading the registry end offsets',
      async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          return await admin.fetchTopicOffsets(this.topic);
        } finally {
          await admin.disconnect();
        }
      },
      this.logger,
    );
    const remaining = new Map(
      ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high)]),
    );

    let markLoaded: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (markLoaded = resolve));
    const check = (): void => {
      if (remaining.size === 0 && !this.loaded) {
        this.loaded = true;
        markLoaded();
      }
    };
    check();

    // Offsets are never committed: every start reads the whole compacted topic again.
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 250 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ partition, message }) => {
        const deviceId = message.key?.toString();
        if (deviceId) this.apply(deviceId, message.value);
        const end = remaining.get(partition);
        if (end !== undefined && Number(message.offset) + 1 >= end) {
          remaining.delete(partition);
          check();
        }
        return Promise.resolve();
      },
    });
    await caughtUp;
    this.logger.info({ devices: this.devices.size }, 'device registry loaded');
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }

  private apply(deviceId: string, value: Buffer | null): void {
    const previous = this.devices.get(deviceId);
    if (value === null) {
      if (!previous) return;
      this.devices.delete(deviceId);
      this.emit('change', deviceId, null, previous);
      return;
    }
    let parsed: DeviceRegistryRecord;
    try {
      parsed = deviceRegistryRecordSchema.parse(JSON.parse(value.toString()));
    } catch (error) {
      this.logger.error(
        { deviceId, err: error instanceof Error ? error.message : String(error) },
        'unreadable registry record ignored',
      );
      return;
    }
    if (parsed.deviceId !== deviceId) {
      this.logger.error(
        { deviceId, recordDeviceId: parsed.deviceId },
        'registry record key and deviceId differ; ignored',
      );
      return;
    }
    this.devices.set(deviceId, parsed);
    this.emit('change', deviceId, parsed, previous);
  }
}
