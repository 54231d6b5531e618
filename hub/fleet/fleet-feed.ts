import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import {
  SCHEMAS,
  alertRecordSchema,
  presenceRecordSchema,
  telemetryRecordSchema,
  type AlertRecord,
  type PresenceRecord,
  type TelemetryRecord,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import { retryKafkaStartup } from '../../common/kafka/startup-retry.js';
import { CatchUp, type PartitionEnd } from '../../common/kafka/catch-up.js';
import { UNMONITORED, type ConsumerMonitor, type SkipReason } from '../../common/kafka/consumer-monitor.js';
import { SupervisedConsumer, type ConsumedRecord } from '../../common/kafka/supervised-consumer.js';
import { decodeRecord } from './record-decoder.js';

export interface FleetFeedHandlers {
  presence(record: PresenceRecord): void;
  alert(record: AlertRecord): void;
  telemetry(record: TelemetryRecord): void;
  invalid(topic: string, reason: string): void;
}

export interface FleetFeedOptions {
  kafka: Kafka;
  topics: { presence: string; alerts: string; telemetry: string };
  topicPrefix: string;
  logger: Logger;
  /** Longest wait for the state topics to be read at start. */
  catchUpTimeoutMs: number;
  monitor?: ConsumerMonitor;
}

/**
 * The fleet's Kafka side, for this process alone (consumer groups of its own, nothing committed):
 * presence and alerts read from the beginning, since the state is their history; telemetry from
 * the latest offset, since every hub needs every device's live readings for its consoles.
 */
export class FleetFeed {
  private readonly consumers: SupervisedConsumer[] = [];

  constructor(private readonly o: FleetFeedOptions) {}

  /** Resolves once presence and alerts that existed at start are read, and telemetry is followed. */
  async start(handlers: FleetFeedHandlers): Promise<void> {
    const { kafka, topics, topicPrefix, logger } = this.o;
    const stateTopics = [topics.presence, topics.alerts];
    const ends = await retryKafkaStartup(
      'reading fleet topic offsets',
      () => this.endsOf(stateTopics),
      logger,
    );
    const catchUp = new CatchUp(ends);

    const monitor = this.o.monitor ?? UNMONITORED;
    const supervised = (
      name: string,
      groupId: string,
      subscription: { topics: string[]; fromBeginning: boolean },
      eachRecord: (record: ConsumedRecord) => void,
      batched: boolean,
    ): SupervisedConsumer => {
      const consumer = new SupervisedConsumer({
        name,
        create: (config) => kafka.consumer(config),
        config: { groupId, maxWaitTimeInMs: batched ? 100 : 250 },
        subscription,
        run: { autoCommit: false },
        consume: { eachRecord, batched },
        monitor,
        logger,
      });
      this.consumers.push(consumer);
      return consumer;
    };
    const invalid = (topic: string, decoded: { code: SkipReason; reason: string }): void => {
      monitor.skipped(topic, decoded.code);
      handlers.invalid(topic, decoded.reason);
    };

    await supervised(
      'fleet-state',
      `${topicPrefix}.hub-fleet.${randomUUID()}`,
      { topics: stateTopics, fromBeginning: true },
      ({ topic, partition, message }) => {
        try {
          if (topic === topics.presence) {
            const decoded = decodeRecord(presenceRecordSchema, SCHEMAS.presence, message);
            if (decoded.ok) handlers.presence(decoded.value);
            else invalid(topic, decoded);
          } else {
            const decoded = decodeRecord(alertRecordSchema, SCHEMAS.alerts, message);
            if (decoded.ok) handlers.alert(decoded.value);
            else invalid(topic, decoded);
          }
        } finally {
          catchUp.read(topic, partition, message.offset);
        }
      },
      false,
    ).start();

    await supervised(
      'fleet-telemetry',
      `${topicPrefix}.hub-fleet-telemetry.${randomUUID()}`,
      { topics: [topics.telemetry], fromBeginning: false },
      ({ topic, message }) => {
        const decoded = decodeRecord(telemetryRecordSchema, SCHEMAS.telemetry, message);
        if (decoded.ok) handlers.telemetry(decoded.value);
        else invalid(topic, decoded);
      },
      true,
    ).start();

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.o.catchUpTimeoutMs);
    });
    const late = await Promise.race([catchUp.done.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late)
      logger.warn(
        { partitions: catchUp.pending, waitedMs: this.o.catchUpTimeoutMs },
        'fleet state not fully read at start; serving it as it fills in',
      );
  }

  async stop(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop()));
  }

  private async endsOf(topicNames: string[]): Promise<PartitionEnd[]> {
    const admin = this.o.kafka.admin();
    await admin.connect();
    try {
      const ends: PartitionEnd[] = [];
      for (const topic of topicNames)
        for (const p of await admin.fetchTopicOffsets(topic))
          ends.push({ topic, partition: p.partition, end: Number(p.high), start: Number(p.low) });
      return ends;
    } finally {
      await admin.disconnect();
    }
  }
}
