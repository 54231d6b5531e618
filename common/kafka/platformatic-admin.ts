import { Admin, ConfigResourceTypes, ListOffsetTimestamps } from '@platformatic/kafka';
import { sleep } from '../retry.js';
import type { KafkaClientOptions } from './client.js';
import { clientBaseOptions } from './platformatic-client.js';
import { protocolErrorOf } from './platformatic-producer.js';
import type { PartitionBounds } from './read-positions.js';
import {
  readRecordLimitsFrom,
  type LimitsSource,
  type ReadLimitsOptions,
  type RecordLimits,
} from './record-limits.js';
import { planTopics, type TopicBootstrapOptions } from './topics.js';

/** Runs `step` with an admin client of its own, which is closed afterwards whatever happens. */
export async function withPlatformaticAdmin<T>(
  options: KafkaClientOptions,
  step: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = new Admin(clientBaseOptions(options));
  try {
    return await step(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

async function partitionCount(admin: Admin, topic: string): Promise<number> {
  const metadata = await admin.metadata({ topics: [topic] });
  const count = metadata.topics.get(topic)?.partitionsCount;
  if (count === undefined) throw new Error(`no metadata for Kafka topic ${topic}`);
  return count;
}

/** Each partition's offset for `timestamp`: a record time in ms, or the client's LATEST / EARLIEST. */
async function offsetsAt(admin: Admin, topic: string, timestamp: bigint): Promise<Map<number, bigint>> {
  const count = await partitionCount(admin, topic);
  const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
  const listed = await admin.listOffsets({ topics: [{ name: topic, partitions }] });
  const offsets = new Map<number, bigint>();
  for (const p of listed.find((t) => t.name === topic)?.partitions ?? [])
    offsets.set(p.partitionIndex, p.offset);
  return offsets;
}

/** Where each partition of `topic` starts (its oldest record kept) and ends (the next offset) now. */
export async function partitionBounds(admin: Admin, topic: string): Promise<PartitionBounds[]> {
  const [lows, highs] = await Promise.all([
    offsetsAt(admin, topic, ListOffsetTimestamps.EARLIEST),
    offsetsAt(admin, topic, ListOffsetTimestamps.LATEST),
  ]);
  return [...highs]
    .sort(([a], [b]) => a - b)
    .map(([partition, high]) => ({
      partition,
      low: String(lows.get(partition) ?? high),
      high: String(high),
    }));
}

/** The offset of each partition's first record at or after `timestamp` (ms); -1 where there is none. */
export async function firstOffsetsAt(
  admin: Admin,
  topic: string,
  timestamp: number,
): Promise<Map<number, string>> {
  const offsets = await offsetsAt(admin, topic, BigInt(timestamp));
  return new Map([...offsets].map(([partition, offset]) => [partition, String(offset)]));
}

const LEADERS_TIMEOUT_MS = 10_000;
const LEADERS_POLL_MS = 100;

/** Resolves once every partition of `topics` has a leader, as kafkajs's `waitForLeaders` does. */
async function waitForLeaders(admin: Admin, topics: readonly string[]): Promise<void> {
  const deadline = Date.now() + LEADERS_TIMEOUT_MS;
  for (;;) {
    let lastError: unknown;
    try {
      const metadata = await admin.metadata({ topics: [...topics], forceUpdate: true });
      const led = topics.every((topic) => {
        const partitions = metadata.topics.get(topic)?.partitions ?? [];
        return partitions.length > 0 && partitions.every((p) => p.leader >= 0);
      });
      if (led) return;
    } catch (error) {
      // Right after creation the broker may not know the topic yet.
      lastError = error;
    }
    if (Date.now() >= deadline)
      throw new Error(`Kafka topics have no leader after ${LEADERS_TIMEOUT_MS} ms: ${topics.join(', ')}`, {
        cause: lastError,
      });
    await sleep(LEADERS_POLL_MS);
  }
}

/** Creates the contract's topics that are missing (`planTopics`); existing topics are left as they are. */
export async function ensureTopics(admin: Admin, options: TopicBootstrapOptions): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = planTopics(options).filter((p) => !existing.has(p.topic));
  // The client gives one request the same settings for all its topics: one request a topic.
  const created = await Promise.all(
    missing.map(async (plan) => {
      try {
        await admin.createTopics({
          topics: [plan.topic],
          partitions: plan.numPartitions,
          replicas: plan.replicationFactor,
          configs: plan.configEntries,
        });
        return plan.topic;
      } catch (error) {
        // Another process created it meanwhile, which is what was wanted.
        if (protocolErrorOf(error)?.apiId === 'TOPIC_ALREADY_EXISTS') return undefined;
        throw error;
      }
    }),
  );
  const ours = created.filter((topic) => topic !== undefined);
  if (ours.length > 0) await waitForLeaders(admin, ours);
  return ours;
}

function platformaticLimits(admin: Admin): LimitsSource {
  const valuesOf = async (
    resourceType: typeof ConfigResourceTypes.TOPIC | typeof ConfigResourceTypes.BROKER,
    names: readonly string[],
    key: string,
  ): Promise<Map<string, string | null>> => {
    const described = await admin.describeConfigs({
      resources: names.map((resourceName) => ({ resourceType, resourceName, configurationKeys: [key] })),
    });
    const values = new Map<string, string | null>();
    for (const { resourceName, configs } of described) {
      const entry = configs.find((c) => c.name === key);
      if (entry) values.set(resourceName, entry.value ?? null);
    }
    return values;
  };
  return {
    topicMaxMessageBytes: (topics) => valuesOf(ConfigResourceTypes.TOPIC, topics, 'max.message.bytes'),
    async brokerMessageMaxBytes() {
      const { brokers } = await admin.metadata({ topics: [] });
      const [nodeId] = [...brokers.keys()];
      if (nodeId === undefined) return undefined;
      const name = String(nodeId);
      return (await valuesOf(ConfigResourceTypes.BROKER, [name], 'message.max.bytes')).get(name);
    },
  };
}

/** `readRecordLimitsFrom` (the kafkajs path's reading and fallbacks) over a @platformatic/kafka admin client. */
export function readRecordLimits(
  admin: Admin,
  topics: readonly string[],
  options: ReadLimitsOptions,
): Promise<RecordLimits> {
  return readRecordLimitsFrom(platformaticLimits(admin), topics, options);
}

/** Removes a consumer group nobody uses any more. */
export function deleteGroup(admin: Admin, group: string): Promise<void> {
  return admin.deleteGroups({ groups: [group] });
}
