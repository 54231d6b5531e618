import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { kafkaTopicNames } from '../contracts/index.js';
import { retry } from '../common/retry.js';
import { isRetriable } from '../common/kafka/errors.js';
import { ensureTopics } from '../common/kafka/topics.js';
import type { Cleanup } from './cleanup.js';
import { progress } from './progress.js';

export interface KafkaScope {
  /** Unique topic prefix of one scenario: every topic and consumer group it leaves starts with it. */
  prefix: string;
  kafka: Kafka;
  admin: Admin;
  topics: ReturnType<typeof kafkaTopicNames>;
}

export const BENCH_PARTITIONS = 6;

/** Creates the contract's topics under a fresh prefix; `cleanup` deletes them and the prefix's consumer groups. */
export async function openKafkaScope(
  brokers: string[],
  label: string,
  cleanup: Cleanup,
): Promise<KafkaScope> {
  const prefix = `bench-${label}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const kafka = new Kafka({ clientId: prefix, brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  cleanup.add('kafka admin', () => admin.disconnect());
  const expected = Object.values(kafkaTopicNames(prefix));
  cleanup.add(`topics and groups ${prefix}.*`, () => deleteScope(admin, prefix, expected));
  await retryKafka('creating topics', () =>
    ensureTopics(admin, { prefix, partitions: BENCH_PARTITIONS, replicationFactor: 1 }),
  );
  return { prefix, kafka, admin, topics: kafkaTopicNames(prefix) };
}

/** Topics whose name starts with `prefix.`, as the broker lists them now. */
async function listed(admin: Admin, prefix: string): Promise<string[]> {
  return (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
}

async function deleteScope(admin: Admin, prefix: string, expected: string[]): Promise<void> {
  const { groups } = await admin.listGroups();
  const ourGroups = groups.map((g) => g.groupId).filter((g) => g.startsWith(`${prefix}.`));
  if (ourGroups.length > 0) await admin.deleteGroups(ourGroups).catch(() => undefined);
  // A topic just created may not be listed yet (the race that can make its creation fail):
  // give the expected ones a moment to show up, so none is left behind.
  let ours = await listed(admin, prefix);
  for (let waited = 0; waited < 5_000 && expected.some((t) => !ours.includes(t)); waited += 250) {
    await sleep(250);
    ours = await listed(admin, prefix);
  }
  if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  // Until the broker has forgotten them, topics the next scenario creates can fail their metadata
  // lookup ("does not host this topic-partition").
  for (let waited = 0; waited < 10_000 && (await listed(admin, prefix)).length > 0; waited += 250)
    await sleep(250);
  progress(`deleted ${ours.length} topics and ${ourGroups.length} consumer groups of ${prefix}`);
}

/**
 * Retries a Kafka admin step on the retriable errors kafkajs does not retry itself, such as a new
 * topic's metadata not being there yet; the same table decides as for the processes' start-up.
 */
export function retryKafka<T>(what: string, step: () => Promise<T>): Promise<T> {
  return retry(step, {
    initialMs: 200,
    maxMs: 2_000,
    factor: 2,
    jitter: 0.2,
    maxAttempts: 10,
    isRetriable,
    onRetry: (error, attempt) => progress(`${what} failed (${String(error)}); retry ${attempt}`),
  });
}

/** Records ever written to `topic`: the sum of its partitions' end offsets. */
export async function endOffsetSum(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}
