import type { Admin } from '@platformatic/kafka';
import { CatchUp, countingReads, followingOf, type PartitionEnd } from './catch-up.js';
import type { KafkaClientOptions } from './client.js';
import { followStart } from './follow-start.js';
import { deleteGroup, firstOffsetsAt, partitionBounds, withPlatformaticAdmin } from './platformatic-admin.js';
import {
  PlatformaticConsumer,
  type FetchedBatch,
  type PlatformaticConsumeWith,
  type RecordConsumer,
} from './platformatic-consumer.js';
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

/** The project's Kafka port on @platformatic/kafka; `close` stops every reader it started that still runs. */
export interface PlatformaticPort extends KafkaPort {
  close(): Promise<void>;
}

interface Stoppable {
  stop(): Promise<void>;
}

/** Where a private reader of `topics` starts in each partition, and what it must read to be caught up. */
async function startOf(
  admin: Admin,
  topics: readonly string[],
  from: FollowFrom,
): Promise<{ starts: PartitionPosition[]; ends: PartitionEnd[] }> {
  const all = { starts: [] as PartitionPosition[], ends: [] as PartitionEnd[] };
  for (const topic of topics) {
    const bounds = await partitionBounds(admin, topic);
    const byTime = typeof from === 'object' ? await firstOffsetsAt(admin, topic, from.timestamp) : undefined;
    const { starts, ends } = followStart(topic, bounds, from, byTime);
    all.starts.push(...starts);
    all.ends.push(...ends);
  }
  return all;
}

// The client heartbeats on a timer of its own (consumer.js #heartbeat), whatever the handler is
// doing, so a batch has nothing to do to keep the session alive.
const alreadyBeating = (): Promise<void> => Promise.resolve();

function consumeWith(handler: FollowHandler): PlatformaticConsumeWith {
  if (!('eachBatch' in handler)) return { eachRecord: handler.eachRecord };
  return {
    eachBatch: ({ topic, partition, messages }) =>
      handler.eachBatch({ topic, partition, messages, heartbeat: alreadyBeating }),
  };
}

/**
 * A private reader. Every partition is read from an explicit position (a MANUAL stream), also from
 * the beginning or from now: the ends listed here are where reading starts, so no record written
 * between the listing and the group join is missed, and a rebuilt consumer resumes after the last
 * record handled in every partition, not at a policy's guess.
 */
async function follow(
  client: KafkaClientOptions,
  options: FollowOptions,
  live: Set<Stoppable>,
): Promise<Following> {
  const { starts, ends } = await retryKafkaStartup(
    `reading ${options.name} offsets`,
    () => withPlatformaticAdmin(client, (admin) => startOf(admin, options.topics, options.from)),
    options.logger,
  );
  const catchUp = new CatchUp(ends);
  const consumer = new PlatformaticConsumer({
    name: options.name,
    client,
    groupId: options.group,
    topics: options.topics,
    readFrom: 'positions',
    maxWaitMs: options.maxWaitMs,
    ...(options.minBytes === undefined ? {} : { minBytes: options.minBytes }),
    consume: consumeWith(countingReads(options.handler, catchUp)),
    partitionBounds: (topic) => withPlatformaticAdmin(client, (admin) => partitionBounds(admin, topic)),
    monitor: options.monitor,
    logger: options.logger,
  });
  await consumer.start(starts);
  live.add(consumer);
  return followingOf(catchUp, ends, options, () => {
    live.delete(consumer);
    return consumer.stop();
  });
}

function partitionsOf(consumer: RecordConsumer, topic: string): number[] {
  return consumer.assignments?.find((a) => a.topic === topic)?.partitions ?? [];
}

/** Thrown by a stale batch's `heartbeat`, as kafkajs's heartbeat throws once the group rebalances. */
export class StaleBatchError extends Error {
  override readonly name = 'StaleBatchError';

  constructor(topic: string, partition: number) {
    super(`${topic}:${partition} was given to another member or consumer; the batch is stale`);
  }
}

/**
 * A member of a shared group. The client rejoins in the background while a batch is handled (its
 * heartbeat runs on a timer), not between batches as kafkajs does: a batch whose partition a
 * rebalance took away is stale from then on, its heartbeat rejects so that long work stops early,
 * and its failure is no crash; and `commit` leaves out partitions this member no longer reads, which
 * are the new owner's to commit.
 */
function groupReader(client: KafkaClientOptions, o: GroupReaderOptions, live: Set<Stoppable>): GroupReader {
  const isStale = (batch: FetchedBatch): boolean =>
    batch.fetchedBy !== supervised.consumer ||
    !partitionsOf(batch.fetchedBy, o.topic).includes(batch.partition);
  const eachBatch = async (batch: FetchedBatch): Promise<void> => {
    const stale = (): boolean => isStale(batch);
    try {
      await o.eachBatch({
        topic: batch.topic,
        partition: batch.partition,
        messages: batch.messages,
        heartbeat: () =>
          stale() ? Promise.reject(new StaleBatchError(batch.topic, batch.partition)) : alreadyBeating(),
        isRunning: () => batch.isRunning(),
        isStale: stale,
        // The client moves its fetch position past every record it delivered and commits only
        // through `commit`, so a resolved offset changes nothing.
        resolveOffset: () => undefined,
      });
    } catch (error) {
      // Another member reads the partition now, from the committed offset: nothing to rebuild for.
      if (!stale()) throw error;
    }
  };
  const supervised: PlatformaticConsumer = new PlatformaticConsumer({
    name: o.name,
    client,
    groupId: o.group,
    topics: [o.topic],
    readFrom: 'committed',
    maxWaitMs: 250,
    sessionTimeoutMs: o.sessionTimeoutMs,
    consume: { eachBatch },
    // A consumer rebuilt after a crash joins again: the same bookkeeping as a rebalance.
    prepare: (consumer) =>
      consumer.on('consumer:group:join', ({ assignments }) =>
        o.onJoin(assignments?.find((a) => a.topic === o.topic)?.partitions ?? []),
      ),
    monitor: o.monitor,
    logger: o.logger,
  });
  return {
    start: async () => {
      await supervised.start();
      live.add(supervised);
    },
    pause: () => supervised.pause(),
    commit: async (offsets) => {
      const consumer = supervised.consumer;
      if (consumer === undefined) return false;
      const owned = new Set(partitionsOf(consumer, o.topic));
      const mine = offsets.filter((p) => owned.has(p.partition));
      if (mine.length > 0)
        await consumer.commit({
          offsets: mine.map((p) => ({
            topic: o.topic,
            partition: p.partition,
            offset: BigInt(p.offset),
            leaderEpoch: -1,
          })),
        });
      return true;
    },
    stop: () => {
      live.delete(supervised);
      return supervised.stop();
    },
  };
}

/** The project's Kafka port over @platformatic/kafka, for the same settings as the kafkajs client. */
export function platformaticPort(options: KafkaClientOptions): PlatformaticPort {
  const live = new Set<Stoppable>();
  return {
    follow: (o) => follow(options, o, live),
    groupReader: (o) => groupReader(options, o, live),
    deleteGroup: (group) => withPlatformaticAdmin(options, (admin) => deleteGroup(admin, group)),
    close: async () => {
      const running = [...live];
      live.clear();
      await Promise.all(running.map((reader) => reader.stop()));
    },
  };
}
