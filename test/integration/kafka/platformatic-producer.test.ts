import { afterAll, describe, expect, it } from 'vitest';
import { platformaticProducer } from '../../../common/kafka/platformatic-producer.js';
import type { OutboundRecord } from '../../../common/kafka/port.js';
import { producerSink } from '../../../common/kafka/producer-sink.js';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { collectTopics, uniqueName, useTestTopics } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';

const ctx = useTestTopics({ partitions: 3 });
const devices = Array.from({ length: 8 }, (_, i) => `plt-device-${i}`);
const producer = platformaticProducer({
  clientId: uniqueName('plt'),
  brokers: KAFKA_BROKERS,
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  retries: 5,
  retryDelayMs: { initial: 100, max: 2_000 },
});
afterAll(() => producer.close());

function record(topic: string, deviceId: string, seq: number): OutboundRecord {
  return {
    topic,
    key: deviceId,
    value: Buffer.from(JSON.stringify({ deviceId, seq })),
    headers: {
      'device-id': deviceId,
      'content-type': 'application/json',
      schema: 'telemetry/1',
      'gateway-id': 'gw-plt',
    },
  };
}

/** Five batches, each with a record of every device, as the batcher cuts them. */
function batches(topic: string): OutboundRecord[][] {
  return Array.from({ length: 5 }, (_, b) => devices.map((d) => record(topic, d, b)));
}

describe('@platformatic/kafka producer against the real broker', () => {
  it('writes records kafkajs reads back in order per device, with their headers, on the partitions kafkajs picks', async () => {
    const ours = ctx.topics.telemetry;
    const reference = ctx.topics.events;
    const kafkajs = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await kafkajs.connect();
    try {
      for (const batch of batches(ours)) await producer.send(batch);
      for (const batch of batches(reference)) await producerSink(kafkajs).send(batch);
    } finally {
      await kafkajs.disconnect();
    }
    await producer.send([{ topic: ctx.topics.devices, key: 'plt-device-0', value: null, headers: {} }]);

    const collected = await collectTopics(ctx.kafka, [ours, reference, ctx.topics.devices]);
    try {
      await waitFor(() => collected.records.length >= 81, 30_000, '81 records');
    } finally {
      await collected.stop();
    }
    const of = (topic: string) => collected.records.filter((r) => r.topic === topic);
    expect(of(ours)).toHaveLength(40);
    for (const deviceId of devices) {
      const mine = of(ours).filter((r) => r.key === deviceId);
      expect(mine.map((r) => r.value.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      const kafkajsPartition = of(reference).find((r) => r.key === deviceId)?.partition;
      expect(mine[0]?.partition).toBe(kafkajsPartition);
      expect(mine[0]?.headers).toEqual({
        'device-id': deviceId,
        'content-type': 'application/json',
        schema: 'telemetry/1',
        'gateway-id': 'gw-plt',
      });
    }
    const [tombstone] = of(ctx.topics.devices);
    expect(tombstone?.key).toBe('plt-device-0');
    expect(tombstone?.value).toBeNull();
  });

  it('appends every record of sends made at the same time to one partition, in the order they were made', async () => {
    // Records of concurrent sends would otherwise share sequence numbers, and the broker would
    // acknowledge all but the first as duplicates without appending them.
    const topic = ctx.topics.commands;
    await Promise.all(
      Array.from({ length: 40 }, (_, seq) => producer.send([record(topic, 'plt-concurrent', seq)])),
    );
    const collected = await collectTopics(ctx.kafka, [topic]);
    try {
      await waitFor(() => collected.records.length >= 40, 30_000, '40 records');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await collected.stop();
    }
    expect(collected.records.map((r) => r.value.seq)).toEqual(Array.from({ length: 40 }, (_, seq) => seq));
  });

  it('rejects a record larger than the topic takes with MESSAGE_TOO_LARGE, for the batcher to refuse', async () => {
    const huge = { ...record(ctx.topics.telemetry, 'plt-device-1', 99), value: Buffer.alloc(2_000_000) };
    await expect(producer.send([huge])).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
      retriable: false,
    });
    // The producer goes on writing after the refusal.
    await producer.send([record(ctx.topics.telemetry, 'plt-device-1', 100)]);
  });
});
