import type { Admin } from 'kafkajs';
import {
  COMPACTED_TOPIC_KINDS,
  TOPIC_KINDS,
  kafkaTopicNames,
  type TopicKind,
} from '../../contracts/index.js';

export interface TopicPlan {
  topic: string;
  kind: TopicKind;
  numPartitions: number;
  replicationFactor: number;
  configEntries: { name: string; value: string }[];
}

export interface TopicBootstrapOptions {
  prefix: string;
  partitions: number;
  replicationFactor: number;
  /** Per-kind partition counts overriding `partitions`. */
  partitionsByKind?: Partial<Record<TopicKind, number>>;
}

/** The topics of the contract, with the settings each one needs. Pure, so it is unit tested. */
export function planTopics(options: TopicBootstrapOptions): TopicPlan[] {
  const names = kafkaTopicNames(options.prefix);
  return TOPIC_KINDS.map((kind) => {
    const compacted = COMPACTED_TOPIC_KINDS.has(kind);
    return {
      topic: names[kind],
      kind,
      numPartitions: options.partitionsByKind?.[kind] ?? options.partitions,
      replicationFactor: options.replicationFactor,
      configEntries: compacted
        ? [
            { name: 'cleanup.policy', value: 'compact' },
            // A tombstone must outlive a slow reader's catch-up, or a deleted device could reappear.
            { name: 'delete.retention.ms', value: String(24 * 3600 * 1000) },
          ]
        : [],
    };
  });
}

/** Creates the contract's topics that are missing; existing topics are left as they are. */
export async function ensureTopics(admin: Admin, options: TopicBootstrapOptions): Promise<string[]> {
  const plan = planTopics(options);
  const existing = new Set(await admin.listTopics());
  const missing = plan.filter((p) => !existing.has(p.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((p) => ({
      topic: p.topic,
      numPartitions: p.numPartitions,
      replicationFactor: p.replicationFactor,
      configEntries: p.configEntries,
    })),
  });
  return missing.map((p) => p.topic);
}
