import type { Admin, Kafka } from 'kafkajs';
import { withAdmin } from './admin.js';
import { CatchUp, countingReads, followingOf, type PartitionEnd } from './catch-up.js';
import { followStart } from './follow-start.js';
import type {
  FollowFrom,
  FollowHandler,
  FollowOptions,
  Following,
  GroupReader,
  GroupReaderOptions,
  KafkaPort,
} from './port.js';
import type { PartitionPosition } from './read-positions.js';
import { retryKafkaStartup } from './startup-retry.js';
import { SupervisedConsumer, type ConsumeWith, type PartitionBounds } from './supervised-consumer.js';

interface Positions {
  /** Where reading starts, when it is positioned rather than left to the group's policy. */
  seeks: PartitionPosition[];
  ends: PartitionEnd[];
}

async function boundsWith(admin: Admin, topic: string): Promise<PartitionBounds[]> {
  return (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high }));
}

/** Where each partition of `topics` ends, and where reading `from` starts in it. */
async function positionsOf(kafka: Kafka, topics: readonly string[], from: FollowFrom): Promise<Positions> {
  const positions: Positions = { seeks: [], ends: [] };
  if (from === 'now') return positions;
  return withAdmin(kafka, async (admin) => {
    for (const topic of topics) {
      const bounds = await boundsWith(admin, topic);
      const byTime =
        from === 'beginning' ? [] : await admin.fetchTopicOffsetsByTimestamp(topic, from.timestamp);
      const { starts, ends } = followStart(
        topic,
        bounds,
        from,
        new Map(byTime.map((p) => [p.partition, p.offset])),
      );
      // From the beginning the group's policy (fromBeginning) positions the reader.
      if (from !== 'beginning') positions.seeks.push(...starts);
      positions.ends.push(...ends);
    }
    return positions;
  });
}

function partitionBounds(kafka: Kafka, topic: string): Promise<PartitionBounds[]> {
  return withAdmin(kafka, (admin) => boundsWith(admin, topic));
}

function consumeWith(handler: FollowHandler): ConsumeWith {
  if ('eachBatch' in handler) {
    return {
      eachBatch: (payload) =>
        handler.eachBatch({
          topic: payload.batch.topic,
          partition: payload.batch.partition,
          messages: payload.batch.messages,
          heartbeat: () => payload.heartbeat(),
        }),
    };
  }
  return { batched: handler.batched ?? false, eachRecord: (record) => handler.eachRecord(record) };
}

async function follow(kafka: Kafka, options: FollowOptions): Promise<Following> {
  const { seeks, ends } = await retryKafkaStartup(
    `reading ${options.name} offsets`,
    () => positionsOf(kafka, options.topics, options.from),
    options.logger,
  );
  const catchUp = new CatchUp(ends);
  const consumer = new SupervisedConsumer({
    name: options.name,
    create: (config) => kafka.consumer(config),
    config: {
      groupId: options.group,
      maxWaitTimeInMs: options.maxWaitMs,
      ...(options.minBytes === undefined ? {} : { minBytes: options.minBytes }),
    },
    subscription: { topics: [...options.topics], fromBeginning: options.from === 'beginning' },
    run: { autoCommit: false },
    partitionBounds: (topic) => partitionBounds(kafka, topic),
    consume: consumeWith(countingReads(options.handler, catchUp)),
    monitor: options.monitor,
    logger: options.logger,
  });
  // admin.setOffsets on a fresh group waits seconds for its coordinator; seeking does not. A record
  // read before the seek takes effect is read again after it, which every reader tolerates.
  await consumer.start(seeks);
  return followingOf(catchUp, ends, options, () => consumer.stop());
}

function groupReader(kafka: Kafka, o: GroupReaderOptions): GroupReader {
  const supervised = new SupervisedConsumer({
    name: o.name,
    create: (config) => kafka.consumer(config),
    config: {
      groupId: o.group,
      sessionTimeout: o.sessionTimeoutMs,
      heartbeatInterval: Math.floor(o.sessionTimeoutMs / 10),
      maxWaitTimeInMs: 250,
      allowAutoTopicCreation: false,
    },
    subscription: { topics: [o.topic], fromBeginning: true },
    run: { autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 1 },
    consume: {
      eachBatch: (payload) =>
        o.eachBatch({
          topic: payload.batch.topic,
          partition: payload.batch.partition,
          messages: payload.batch.messages,
          heartbeat: () => payload.heartbeat(),
          isRunning: () => payload.isRunning(),
          isStale: () => payload.isStale(),
          resolveOffset: (offset) => payload.resolveOffset(offset),
        }),
    },
    // A consumer rebuilt after a crash joins again: the same bookkeeping as a rebalance.
    prepare: (consumer) =>
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
        o.onJoin(payload.memberAssignment[o.topic] ?? []),
      ),
    monitor: o.monitor,
    logger: o.logger,
  });
  return {
    start: () => supervised.start(),
    pause: () => supervised.consumer?.pause([{ topic: o.topic }]),
    commit: async (offsets) => {
      const consumer = supervised.consumer;
      if (consumer === undefined) return false;
      await consumer.commitOffsets(offsets.map((p) => ({ topic: o.topic, ...p })));
      return true;
    },
    stop: () => supervised.stop(),
  };
}

/** The project's Kafka port over a kafkajs client. */
export function kafkajsPort(kafka: Kafka): KafkaPort {
  return {
    follow: (options) => follow(kafka, options),
    groupReader: (options) => groupReader(kafka, options),
    deleteGroup: (group) => withAdmin(kafka, (admin) => admin.deleteGroups([group]).then(() => undefined)),
  };
}
