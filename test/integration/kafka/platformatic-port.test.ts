import type { Message, Producer } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPACTED_TOPIC_KINDS, TOPIC_KINDS, kafkaTopicNames } from '../../../contracts/index.js';
import type { ConsumerHealth, ConsumerMonitor, SkipReason } from '../../../common/kafka/consumer-monitor.js';
import { isRetriable } from '../../../common/kafka/errors.js';
import {
  ensureTopics,
  partitionBounds,
  readRecordLimits,
  withPlatformaticAdmin,
} from '../../../common/kafka/platformatic-admin.js';
import { platformaticPort } from '../../../common/kafka/platformatic-port.js';
import type { ConsumedRecord, GroupBatch, RecordBatch } from '../../../common/kafka/port.js';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES } from '../../../common/kafka/record-limits.js';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { uniqueName, useTestTopics } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';

const ctx = useTestTopics({ partitions: 1 });
const client = {
  clientId: uniqueName('plt-port'),
  brokers: KAFKA_BROKERS,
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
};
const port = platformaticPort(client);
const logger = pino({ level: 'silent' });
let producer: Producer;

beforeAll(async () => {
  producer = ctx.kafka.producer();
  await producer.connect();
});
afterAll(async () => {
  await port.close();
  await producer.disconnect();
});

/** A topic of this file's own, deleted with the others when the file is done. */
async function createTopic(name: string, partitions: number): Promise<string> {
  const topic = `${ctx.prefix}.${name}`;
  await ctx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: partitions }] });
  return topic;
}

async function write(topic: string, messages: Message[]): Promise<void> {
  await producer.send({ topic, messages });
}

function recordingMonitor() {
  const states: ConsumerHealth[] = [];
  const skipped: { topic: string; reason: SkipReason }[] = [];
  const restarted: string[] = [];
  const monitor: ConsumerMonitor = {
    skipped: (topic, reason) => skipped.push({ topic, reason }),
    restarted: (consumer) => restarted.push(consumer),
    changed: (_consumer, health) => states.push({ ...health }),
  };
  return { monitor, states, skipped, restarted, last: () => states[states.length - 1] };
}

function followOptions(
  topic: string,
  seen: ConsumedRecord[],
  monitor: ConsumerMonitor = recordingMonitor().monitor,
) {
  return {
    name: 'test',
    group: uniqueName(`${ctx.prefix}.reader`),
    topics: [topic],
    handler: { eachRecord: (record: ConsumedRecord) => void seen.push(record) },
    maxWaitMs: 100,
    monitor,
    logger,
  };
}

const offsetsOf = (records: readonly ConsumedRecord[], partition: number): string[] =>
  records.filter((r) => r.partition === partition).map((r) => r.message.offset);

describe('platformaticPort follow against the real broker', () => {
  it('reads from the beginning with records decoded as kafkajs gives them, caught up at the ends found at start', async () => {
    const topic = await createTopic('beginning', 3);
    await write(topic, [
      { partition: 0, key: 'a', value: 'a0', headers: { 'device-id': 'a', twice: ['1', '2'] } },
      { partition: 0, key: 'a', value: null },
      { partition: 1, key: 'b', value: '' },
      { partition: 2, value: 'no key' },
    ]);
    const seen: ConsumedRecord[] = [];
    const following = await port.follow({ ...followOptions(topic, seen), from: 'beginning' });
    await following.caughtUp;
    expect(following.pending).toBe(0);
    expect([0, 1, 2].map((p) => following.endOf(topic, p))).toEqual([2n, 1n, 1n]);
    expect(offsetsOf(seen, 0)).toEqual(['0', '1']);
    const [first, tombstone] = seen.filter((r) => r.partition === 0);
    expect(first?.message).toEqual({
      key: Buffer.from('a'),
      value: Buffer.from('a0'),
      headers: { 'device-id': Buffer.from('a'), twice: [Buffer.from('1'), Buffer.from('2')] },
      offset: '0',
    });
    expect(tombstone?.message.value).toBeNull();
    const [empty] = seen.filter((r) => r.partition === 1);
    expect(empty?.message.value).toEqual(Buffer.alloc(0));
    const [keyless] = seen.filter((r) => r.partition === 2);
    expect(keyless?.message.key).toBeNull();

    await write(topic, [{ partition: 1, key: 'b', value: 'later' }]);
    await waitFor(() => offsetsOf(seen, 1).length === 2, 15_000, 'the record written after the start');
    await following.stop();
  });

  it('from now reads only what comes next, and has nothing to catch up with', async () => {
    const topic = await createTopic('now', 2);
    await write(topic, [
      { partition: 0, value: 'old' },
      { partition: 1, value: 'old' },
    ]);
    const seen: ConsumedRecord[] = [];
    const following = await port.follow({ ...followOptions(topic, seen), from: 'now' });
    await following.caughtUp;
    expect([following.pending, following.endOf(topic, 0)]).toEqual([0, undefined]);
    await write(topic, [{ partition: 1, value: 'new' }]);
    await waitFor(() => seen.length === 1, 15_000, 'the new record');
    expect(seen.map((r) => [r.partition, r.message.offset, r.message.value?.toString()])).toEqual([
      [1, '1', 'new'],
    ]);
    await following.stop();
  });

  it('from a timestamp reads from the first record at or after it, in each partition', async () => {
    const topic = await createTopic('timestamp', 2);
    const t = Date.now() - 60_000;
    await write(topic, [
      { partition: 0, value: 'before', timestamp: String(t - 1_000) },
      { partition: 0, value: 'at', timestamp: String(t) },
      { partition: 0, value: 'after', timestamp: String(t + 1_000) },
      { partition: 1, value: 'before', timestamp: String(t - 2_000) },
    ]);
    const seen: ConsumedRecord[] = [];
    const following = await port.follow({ ...followOptions(topic, seen), from: { timestamp: t } });
    await following.caughtUp;
    expect(seen.map((r) => r.message.value?.toString())).toEqual(['at', 'after']);
    expect([following.endOf(topic, 0), following.endOf(topic, 1)]).toEqual([3n, 1n]);
    await write(topic, [{ partition: 1, value: 'next' }]);
    await waitFor(() => offsetsOf(seen, 1).length === 1, 15_000, 'the next record of partition 1');
    expect(offsetsOf(seen, 1)).toEqual(['1']);
    await following.stop();
  });

  it('skips only the record whose handler throws, and counts it', async () => {
    const topic = await createTopic('poison', 1);
    await write(
      topic,
      ['ok', 'poison', 'ok'].map((value) => ({ value })),
    );
    const handled: string[] = [];
    const { monitor, skipped, last } = recordingMonitor();
    const following = await port.follow({
      ...followOptions(topic, [], monitor),
      from: 'beginning',
      handler: {
        batched: true,
        eachRecord: ({ message }) => {
          if (message.value?.toString() === 'poison') throw new Error('cannot use this one');
          handled.push(message.offset);
        },
      },
    });
    await following.caughtUp;
    expect(handled).toEqual(['0', '2']);
    expect(skipped).toEqual([{ topic, reason: 'handler_error' }]);
    expect(last()).toEqual({ state: 'running', restarts: 0 });
    await following.stop();
    expect(last()?.state).toBe('stopped');
  });

  it('hands a handler of batches one partition at a time, in offset order', async () => {
    const topic = await createTopic('batches', 2);
    await write(
      topic,
      [0, 1, 2, 3, 4, 5].map((i) => ({ partition: i % 2, value: String(i) })),
    );
    const batches: { partition: number; offsets: string[] }[] = [];
    let inFlight = 0;
    let overlapped = false;
    const following = await port.follow({
      ...followOptions(topic, []),
      from: 'beginning',
      handler: {
        eachBatch: async (batch: RecordBatch) => {
          overlapped ||= inFlight++ > 0;
          await batch.heartbeat();
          await new Promise((resolve) => setTimeout(resolve, 20));
          batches.push({ partition: batch.partition, offsets: batch.messages.map((m) => m.offset) });
          inFlight--;
        },
      },
    });
    await following.caughtUp;
    expect(overlapped).toBe(false);
    for (const partition of [0, 1]) {
      const offsets = batches.filter((b) => b.partition === partition).flatMap((b) => b.offsets);
      expect(offsets).toEqual(['0', '1', '2']);
    }
    await following.stop();
  });

  it('rebuilds a reader whose topic was deleted, and resumes at the oldest record of the new one', async () => {
    const topic = await createTopic('doomed', 1);
    await write(topic, [{ value: 'first' }, { value: 'second' }]);
    const seen: ConsumedRecord[] = [];
    const recorded = recordingMonitor();
    const following = await port.follow({
      ...followOptions(topic, seen, recorded.monitor),
      from: 'beginning',
    });
    await following.caughtUp;
    expect(recorded.last()?.state).toBe('running');

    await ctx.admin.deleteTopics({ topics: [topic] });
    await waitFor(() => recorded.last()?.state === 'restarting', 45_000, 'the reader to crash');
    await waitFor(async () => !(await ctx.admin.listTopics()).includes(topic), 15_000, 'the topic gone');
    await ctx.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
    await write(topic, [{ value: 'reborn' }]);
    await waitFor(() => seen.length === 3, 45_000, 'the record of the new topic');
    expect(seen.map((r) => [r.message.offset, r.message.value?.toString()])).toEqual([
      ['0', 'first'],
      ['1', 'second'],
      ['0', 'reborn'],
    ]);
    expect(recorded.last()).toEqual({ state: 'running', restarts: 1 });
    expect(recorded.restarted).toEqual(['test']);
    await following.stop();
  });

  it('deletes a group nobody uses, and refuses one still in use', async () => {
    const topic = await createTopic('groups', 1);
    const options = { ...followOptions(topic, []), from: 'now' as const };
    const following = await port.follow(options);
    const inUse = await port.deleteGroup(options.group).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(inUse).toBeDefined();
    expect(isRetriable(inUse)).toBe(false);
    await following.stop();
    const listed = async (): Promise<boolean> =>
      (await ctx.admin.listGroups()).groups.some((g) => g.groupId === options.group);
    expect(await listed()).toBe(true);
    await port.deleteGroup(options.group);
    expect(await listed()).toBe(false);
  });
});

interface Member {
  joins: number[][];
  batches: { partition: number; offsets: string[] }[];
  reader: ReturnType<typeof port.groupReader>;
}

describe('platformaticPort groupReader against the real broker', () => {
  const group = uniqueName(`${ctx.prefix}.members`);
  let topic: string;

  beforeAll(async () => {
    topic = await createTopic('shared', 4);
  });

  function member(monitor: ConsumerMonitor = recordingMonitor().monitor, on = topic): Member {
    const m: Member = { joins: [], batches: [], reader: undefined as unknown as Member['reader'] };
    m.reader = port.groupReader({
      name: 'maintenance',
      group: on === topic ? group : uniqueName(`${ctx.prefix}.rebuilt`),
      topic: on,
      sessionTimeoutMs: 6_000,
      eachBatch: (batch: GroupBatch) => {
        if (batch.isRunning() && !batch.isStale())
          m.batches.push({ partition: batch.partition, offsets: batch.messages.map((msg) => msg.offset) });
        return Promise.resolve();
      },
      onJoin: (partitions) => m.joins.push([...partitions].sort()),
      monitor,
      logger,
    });
    return m;
  }

  const lastJoin = (m: Member): number[] | undefined => m.joins[m.joins.length - 1];
  const read = (m: Member, partition: number): string[] =>
    m.batches.filter((b) => b.partition === partition).flatMap((b) => b.offsets);
  const everyPartition = (offsets: number) =>
    [0, 1, 2, 3].map((partition) => ({ partition, value: String(offsets) }));

  it('shares partitions after a rebalance, commits, resumes from the commits, and pauses', async () => {
    await write(topic, [...everyPartition(0), ...everyPartition(1)]);
    const a = member();
    expect(await a.reader.commit([{ partition: 0, offset: '1' }])).toBe(false);
    await a.reader.start();
    expect(lastJoin(a)).toEqual([0, 1, 2, 3]);
    await waitFor(() => [0, 1, 2, 3].every((p) => read(a, p).length === 2), 15_000, 'A to read everything');
    expect(await a.reader.commit([0, 1, 2, 3].map((partition) => ({ partition, offset: '2' })))).toBe(true);

    const b = member();
    await b.reader.start();
    await waitFor(() => a.joins.length === 2, 15_000, 'A to join again');
    const [ofA, ofB] = [lastJoin(a) ?? [], lastJoin(b) ?? []];
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofB.length).toBeGreaterThan(0);
    expect([...ofA, ...ofB].sort()).toEqual([0, 1, 2, 3]);
    // Everything read so far was committed: B starts after it.
    await write(topic, everyPartition(2));
    await waitFor(
      () => ofA.every((p) => read(a, p).includes('2')) && ofB.every((p) => read(b, p).includes('2')),
      15_000,
      'each member to read its new records',
    );
    for (const p of ofB) expect(read(b, p)).toEqual(['2']);

    // A commits nothing more, pauses and stops; a new member resumes A's partitions from A's commits.
    a.reader.pause();
    const before = a.batches.length;
    await write(topic, everyPartition(3));
    await waitFor(() => ofB.every((p) => read(b, p).includes('3')), 15_000, 'B to read on');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(a.batches.length).toBe(before);
    await a.reader.stop();
    await waitFor(() => lastJoin(b)?.length === 4, 20_000, 'B to take every partition');
    await waitFor(() => ofA.every((p) => read(b, p).includes('3')), 15_000, "B to read A's partitions");
    for (const p of ofA) expect(read(b, p)).toEqual(['2', '3']);
    await b.reader.stop();

    // Nothing was committed after offset 2: a member that starts now reads from there.
    const c = member();
    await c.reader.start();
    expect(lastJoin(c)).toEqual([0, 1, 2, 3]);
    await waitFor(
      () => [0, 1, 2, 3].every((p) => read(c, p).length === 2),
      15_000,
      'C to read from the commits',
    );
    for (const p of [0, 1, 2, 3]) expect(read(c, p)).toEqual(['2', '3']);
    await c.reader.stop();
  });

  it('rebuilds a member whose topic was deleted, which joins again and reads the new topic', async () => {
    const doomed = await createTopic('doomed-group', 1);
    await write(doomed, [{ value: 'first' }]);
    const recorded = recordingMonitor();
    const m = member(recorded.monitor, doomed);
    await m.reader.start();
    await waitFor(() => read(m, 0).length === 1, 15_000, 'the first record');

    await ctx.admin.deleteTopics({ topics: [doomed] });
    await waitFor(() => recorded.last()?.state === 'restarting', 45_000, 'the member to crash');
    expect(await m.reader.commit([{ partition: 0, offset: '1' }])).toBe(false);
    await waitFor(async () => !(await ctx.admin.listTopics()).includes(doomed), 15_000, 'the topic gone');
    await ctx.admin.createTopics({ waitForLeaders: true, topics: [{ topic: doomed, numPartitions: 1 }] });
    await write(doomed, [{ value: 'reborn' }]);
    await waitFor(() => read(m, 0).length === 2, 45_000, 'the record of the new topic');
    expect(m.joins).toEqual([[0], [0]]);
    expect(recorded.last()).toEqual({ state: 'running', restarts: 1 });
    await m.reader.stop();
  });
});

describe('@platformatic/kafka admin against the real broker', () => {
  const prefix = uniqueName('plt-admin');
  const names = kafkaTopicNames(prefix);
  afterAll(() =>
    withPlatformaticAdmin(client, async (admin) => {
      const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
      if (ours.length > 0) await admin.deleteTopics({ topics: ours });
    }),
  );

  it('creates the missing contract topics with their settings, and leaves existing ones alone', async () => {
    const options = { prefix, partitions: 2, replicationFactor: 1, partitionsByKind: { commands: 3 } };
    const created = await withPlatformaticAdmin(client, (admin) => ensureTopics(admin, options));
    expect([...created].sort()).toEqual(Object.values(names).sort());
    expect(await withPlatformaticAdmin(client, (admin) => ensureTopics(admin, options))).toEqual([]);

    const described = await ctx.admin.fetchTopicMetadata({ topics: [names.telemetry, names.commands] });
    const partitions = new Map(described.topics.map((t) => [t.name, t.partitions.length]));
    expect([partitions.get(names.telemetry), partitions.get(names.commands)]).toEqual([2, 3]);
    const { resources } = await ctx.admin.describeConfigs({
      includeSynonyms: false,
      resources: TOPIC_KINDS.map((kind) => ({ type: 2, name: names[kind], configNames: ['cleanup.policy'] })),
    });
    for (const kind of TOPIC_KINDS) {
      const policy = resources.find((r) => r.resourceName === names[kind])?.configEntries[0]?.configValue;
      expect([kind, policy]).toEqual([kind, COMPACTED_TOPIC_KINDS.has(kind) ? 'compact' : 'delete']);
    }
    const bounds = await withPlatformaticAdmin(client, (admin) => partitionBounds(admin, names.commands));
    expect(bounds).toEqual([0, 1, 2].map((partition) => ({ partition, low: '0', high: '0' })));
  });

  it("reads each topic's max.message.bytes, and the broker's for a topic it cannot read", async () => {
    await ctx.admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: 2, name: names.telemetry, configEntries: [{ name: 'max.message.bytes', value: '20000' }] },
      ],
    });
    const fallbacks: string[] = [];
    // Kafka refuses to describe it at once; an unknown topic would be retried by the client first.
    const missing = `${prefix}.not a topic!`;
    const limits = await withPlatformaticAdmin(client, (admin) =>
      readRecordLimits(admin, [names.telemetry, names.events, missing], {
        maxRequestBytes: 1_048_576,
        onFallback: (what) => fallbacks.push(what),
      }),
    );
    expect(limits.maxMessageBytes(names.telemetry)).toBe(20_000);
    expect(limits.maxMessageBytes(names.events)).toBe(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    expect(limits.maxMessageBytes(missing)).toBe(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
    expect(fallbacks).toEqual([`max.message.bytes of ${missing}`]);
  });
});
