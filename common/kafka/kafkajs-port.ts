import type { Kafka } from 'kafkajs';
import { withAdmin } from './admin.js';
import { CatchUp, type PartitionEnd } from './catch-up.js';
import type {
  FollowFrom,
  FollowOptions,
  Following,
  GroupReader,
  GroupReaderOptions,
  KafkaPort,
} from './port.js';
import { retryKafkaStartup } from './startup-retry.js';
import { SupervisedConsumer, type ConsumeWith, type PartitionBounds } from './supervised-consumer.js';

interface Positions {
  /** Where reading starts, when it is positioned rather than left to the group's policy. */
  seeks: { topic: string; partition: number; offset: string }[];
  ends: PartitionEnd[];
}

/** Where each partition of `topics` ends, and where reading `from` starts in it. */
async function positionsOf(kafka: Kafka, topics: readonly string[], from: FollowFrom): Promise<Positions> {
  const positions: Positions = { seeks: [], ends: [] };
  if (from === 'now') return positions;
  return withAdmin(kafka, async (admin) => {
    for (const topic of topics) {
      const highs = await admin.fetchTopicOffsets(topic);
      if (from === 'beginning') {
        for (const p of highs)
          positions.ends.push({ topic, partition: p.partition, end: Number(p.high), start: Number(p.low) });
        continue;
      }
      const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, from.timestamp);
      for (const p of highs) {
        const found = byTime.find((s) => s.partition === p.partition)?.offset;
        // -1: no record at or after the timestamp in this partition.
        const offset = found === undefined || Number(found) < 0 ? p.high : found;
        positions.seeks.push({ topic, partition: p.partition, offset });
        positions.ends.push({ topic, partition: p.partition, end: Number(p.high), start: Number(offset) });
      }
    }
    return positions;
  });
}

function partitionBounds(kafka: Kafka, topic: string): Promise<PartitionBounds[]> {
  return withAdmin(kafka, async (admin) =>
    (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ partition, low, high })),
  );
}

function consumeWith(options: FollowOptions, catchUp: CatchUp): ConsumeWith {
  const { handler } = options;
  if ('eachBatch' in handler) {
    return {
      eachBatch: async (payload) => {
        const { batch } = payload;
        const last = batch.messages[batch.messages.length - 1];
        try {
          await handler.eachBatch({
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages,
            heartbeat: () => payload.heartbeat(),
          });
        } finally {
          if (last !== undefined) catchUp.read(batch.topic, batch.partition, last.offset);
        }
      },
    };
  }
  return {
    batched: handler.batched ?? false,
    eachRecord: async (record) => {
      try {
        await handler.eachRecord(record);
      } finally {
        catchUp.read(record.topic, record.partition, record.message.offset);
      }
    },
  };
}

async function follow(kafka: Kafka, options: FollowOptions): Promise<Following> {
  const { seeks, ends } = await retryKafkaStartup(
    `reading ${options.name} offsets`,
    () => positionsOf(kafka, options.topics, options.from),
    options.logger,
  );
  const endOf = new Map(ends.map((p) => [`${p.topic}:${p.partition}`, BigInt(p.end)]));
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
    consume: consumeWith(options, catchUp),
    monitor: options.monitor,
    logger: options.logger,
  });
  // admin.setOffsets on a fresh group waits seconds for its coordinator; seeking does not. A record
  // read before the seek takes effect is read again after it, which every reader tolerates.
  await consumer.start(seeks);
  if (options.settleWhenIdle)
    catchUp.settleWhenIdle(options.settleWhenIdle.ms, options.settleWhenIdle.onSettle);
  return {
    caughtUp: catchUp.done,
    get pending() {
      return catchUp.pending;
    },
    endOf: (topic, partition) => endOf.get(`${topic}:${partition}`),
    stop: () => consumer.stop(),
  };
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
