import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import {
  HEADER_NAMES,
  SCHEMAS,
  checkSchemaCompatible,
  decodeJson,
  deviceRegistryRecordSchema,
  type DeviceRegistryRecord,
} from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import { CatchUp } from '../kafka/catch-up.js';
import { UNMONITORED, type ConsumerMonitor } from '../kafka/consumer-monitor.js';
import { retryKafkaStartup } from '../kafka/startup-retry.js';
import { SupervisedConsumer, type ConsumedRecord } from '../kafka/supervised-consumer.js';

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
  private consumer: SupervisedConsumer | undefined;
  private loaded = false;

  constructor(
    private readonly kafka: Kafka,
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
    this.consumer = new SupervisedConsumer({
      name: 'registry',
      create: (config) => this.kafka.consumer(config),
      config: { groupId: this.groupId, maxWaitTimeInMs: 250 },
      subscription: { topics: [this.topic], fromBeginning: true },
      run: { autoCommit: false },
      consume: {
        eachRecord: (record) => {
          try {
            this.read(record);
          } finally {
            catchUp.read(record.topic, record.partition, record.message.offset);
          }
        },
      },
      monitor: this.monitor,
      logger: this.logger,
    });
    await this.consumer.start();
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
    await this.consumer?.stop();
  }

  private read({ topic, message }: ConsumedRecord): void {
    const deviceId = message.key?.toString();
    if (!deviceId) return this.monitor.skipped(topic, 'no_key');
    if (!checkSchemaCompatible(message.headers?.[HEADER_NAMES.schema], SCHEMAS.devices).ok) {
      this.monitor.skipped(topic, 'schema_mismatch');
      this.logger.error({ deviceId }, 'registry record of another schema ignored');
      return;
    }
    this.apply(deviceId, message.value);
  }

  private apply(deviceId: string, value: Buffer | null): void {
    const previous = this.devices.get(deviceId);
    if (value === null) {
      if (!previous) return;
      this.devices.delete(deviceId);
      this.emit('change', deviceId, null, previous);
      return;
    }
    const decoded = decodeJson(deviceRegistryRecordSchema, value);
    if (!decoded.ok) {
      this.monitor.skipped(this.topic, decoded.code);
      // A JSON syntax error quotes the text around it, which may be the secret hash.
      const err = decoded.code === 'invalid_json' ? decoded.code : `${decoded.code}: ${decoded.reason}`;
      this.logger.error({ deviceId, err }, 'unreadable registry record ignored');
      return;
    }
    const parsed = decoded.value;
    if (parsed.deviceId !== deviceId) {
      this.monitor.skipped(this.topic, 'key_mismatch');
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
