import { EventEmitter } from 'node:events';
import type { Consumer, Kafka } from 'kafkajs';
import { deviceRegistryRecordSchema, type DeviceRegistryRecord } from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import { CatchUp } from '../kafka/catch-up.js';
import { retryKafkaStartup } from '../kafka/startup-retry.js';

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
    const catchUp = new CatchUp(
      ends.map((p) => ({
        topic: this.topic,
        partition: p.partition,
        end: Number(p.high),
        start: Number(p.low),
      })),
    );

    // Offsets are never committed: every start reads the whole compacted topic again.
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 250 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ topic, partition, message }) => {
        const deviceId = message.key?.toString();
        if (deviceId) this.apply(deviceId, message.value);
        catchUp.read(topic, partition, message.offset);
        return Promise.resolve();
      },
    });
    catchUp.settleWhenIdle(REGISTRY_IDLE_SETTLE_MS, (pending) =>
      this.logger.warn(
        { partitions: pending },
        'registry end offsets never read (compacted away); treating as loaded',
      ),
    );
    await catchUp.done;
    this.loaded = true;
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
