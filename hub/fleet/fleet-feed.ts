import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
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
}

/**
 * The fleet's Kafka side, for this process alone (consumer groups of its own, nothing committed):
 * presence and alerts read from the beginning, since the state is their history; telemetry from
 * the latest offset, since every hub needs every device's live readings for its consoles.
 */
export class FleetFeed {
  private readonly consumers: Consumer[] = [];

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

    const state = kafka.consumer({
      groupId: `${topicPrefix}.hub-fleet.${randomUUID()}`,
      maxWaitTimeInMs: 250,
    });
    this.consumers.push(state);
    await state.connect();
    await state.subscribe({ topics: stateTopics, fromBeginning: true });
    await state.run({
      autoCommit: false,
      eachMessage: ({ topic, partition, message }) => {
        if (topic === topics.presence) {
          const decoded = decodeRecord(presenceRecordSchema, SCHEMAS.presence, message);
          if (decoded.ok) handlers.presence(decoded.value);
          else handlers.invalid(topic, decoded.reason);
        } else {
          const decoded = decodeRecord(alertRecordSchema, SCHEMAS.alerts, message);
          if (decoded.ok) handlers.alert(decoded.value);
          else handlers.invalid(topic, decoded.reason);
        }
        catchUp.read(topic, partition, message.offset);
        return Promise.resolve();
      },
    });

    const telemetry = kafka.consumer({
      groupId: `${topicPrefix}.hub-fleet-telemetry.${randomUUID()}`,
      maxWaitTimeInMs: 100,
    });
    this.consumers.push(telemetry);
    await telemetry.connect();
    await telemetry.subscribe({ topic: topics.telemetry, fromBeginning: false });
    await telemetry.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        for (const message of batch.messages) {
          const decoded = decodeRecord(telemetryRecordSchema, SCHEMAS.telemetry, message);
          if (decoded.ok) handlers.telemetry(decoded.value);
          else handlers.invalid(batch.topic, decoded.reason);
        }
        return Promise.resolve();
      },
    });

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
    await Promise.all(this.consumers.map((c) => c.disconnect()));
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
