import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { kafkaTopicNames } from '../../contracts/index.js';
import { ensureTopics } from '../../common/kafka/topics.js';
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
    await ensureTopics(admin, { prefix, partitions: options.partitions ?? 3, replicationFactor: 1 });
  });
  afterAll(async () => {
    const all = await admin.listTopics();
    const ours = all.filter((t) => t.startsWith(`${prefix}.`));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  });
  return ctx;
}
