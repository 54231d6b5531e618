import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { kafkaTopicNames } from '../../contracts/index.js';
import { isRetriable } from '../../common/kafka/errors.js';
import { ensureTopics } from '../../common/kafka/topics.js';
import { retry } from '../../common/retry.js';
import { KAFKA_BROKERS } from './env.js';

export function testKafka(clientId = 'test'): Kafka {
  return new Kafka({ clientId, brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING });
}

export function uniqueName(base: string): string {
  return `${base}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface TestTopics {
  prefix: string;
  topics: ReturnType<typeof kafkaTopicNames>;
  kafka: Kafka;
  admin: Admin;
}

/**
 * Gives the calling test file its own topic prefix with every contract topic created,
 * and deletes those topics when the file is done.
 */
export function useTestTopics(options: { partitions?: number } = {}): TestTopics {
  const prefix = uniqueName('t');
  const kafka = testKafka(prefix);
  const admin = kafka.admin();
  const ctx: TestTopics = { prefix, topics: kafkaTopicNames(prefix), kafka, admin };
  beforeAll(async () => {
    await admin.connect();
    // Right after another file's topics were deleted, the broker may briefly answer that it does
    // not host a new topic's partition while its leaders are elected; creating is idempotent.
    await retry(
      () => ensureTopics(admin, { prefix, partitions: options.partitions ?? 3, replicationFactor: 1 }),
      { initialMs: 200, maxMs: 2_000, factor: 2, jitter: 0.2, maxAttempts: 10, isRetriable },
    );
  });
  afterAll(async () => {
    const all = await admin.listTopics();
    const ours = all.filter((t) => t.startsWith(`${prefix}.`));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });
  return ctx;
}

export interface CollectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Reads `topics` from the beginning into an array until `stop()` is called. */
export async function collectTopics(
  kafka: Kafka,
  topics: string[],
): Promise<{ records: CollectedRecord[]; stop: () => Promise<void> }> {
  const records: CollectedRecord[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('collector'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? '',
        value: JSON.parse(message.value?.toString() ?? 'null') as Record<string, unknown>,
        headers,
      });
      return Promise.resolve();
    },
  });
  return { records, stop: () => consumer.disconnect() };
}
