import { describe, expect, it } from 'vitest';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { kcatReadAll } from '../../helpers/processes.js';

describe('the local Kafka broker', () => {
  const ctx = useTestTopics({ partitions: 3 });

  it('stores keyed records that a consumer group and kcat both read back', async () => {
    const topic = ctx.topics.telemetry;
    const producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const devices = ['pump-1', 'pump-2', 'motor-7'];
    const messages = Array.from({ length: 60 }, (_, i) => {
      const deviceId = devices[i % devices.length] ?? 'none';
      return {
        key: deviceId,
        value: JSON.stringify({ deviceId, seq: i }),
        headers: { 'device-id': deviceId },
      };
    });
    await producer.send({ topic, acks: -1, messages });
    await producer.disconnect();

    const consumer = ctx.kafka.consumer({ groupId: `${ctx.prefix}-group` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; seq: number; partition: number; header: string }[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message, partition }) => {
          const value = JSON.parse(message.value?.toString() ?? '{}') as { seq: number };
          received.push({
            key: message.key?.toString() ?? '',
            seq: value.seq,
            partition,
            header: message.headers?.['device-id']?.toString() ?? '',
          });
          if (received.length === messages.length) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();

    expect(received).toHaveLength(60);
    for (const device of devices) {
      const own = received.filter((r) => r.key === device);
      expect(own).toHaveLength(20);
      // One key, one partition, in the order produced.
      expect(new Set(own.map((r) => r.partition)).size).toBe(1);
      expect(own.map((r) => r.seq)).toEqual([...own.map((r) => r.seq)].sort((a, b) => a - b));
      expect(own.every((r) => r.header === device)).toBe(true);
    }

    const admin = ctx.admin;
    const offsets = await admin.fetchOffsets({ groupId: `${ctx.prefix}-group`, topics: [topic] });
    const committed = offsets[0]?.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).toBe(60);

    const viaKcat = await kcatReadAll(KAFKA_BROKERS, topic);
    expect(viaKcat).toHaveLength(60);
    expect(viaKcat.filter((r) => r.key === 'pump-2')).toHaveLength(20);
    expect(viaKcat.every((r) => r.headers === `device-id=${r.key}`)).toBe(true);
    const first = viaKcat.find((r) => r.key === 'motor-7');
    expect(JSON.parse(first?.value ?? '{}')).toEqual({ deviceId: 'motor-7', seq: 2 });
  });

  it('creates the compacted contract topics with cleanup.policy=compact', async () => {
    const { ConfigResourceTypes } = await import('kafkajs');
    const described = await ctx.admin.describeConfigs({
      includeSynonyms: false,
      resources: [ctx.topics.presence, ctx.topics.devices, ctx.topics.telemetry].map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['cleanup.policy'],
      })),
    });
    const policy = Object.fromEntries(
      described.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]),
    );
    expect(policy).toEqual({
      [ctx.topics.presence]: 'compact',
      [ctx.topics.devices]: 'compact',
      [ctx.topics.telemetry]: 'delete',
    });
  });
});
