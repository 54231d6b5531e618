import type { Consumer } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KafkaConsumerMonitor } from '../../../../common/kafka/consumer-monitor.js';
import {
  SupervisedConsumer,
  type ConsumeWith,
  type SupervisedConsumerOptions,
} from '../../../../common/kafka/supervised-consumer.js';
import { FakeConsumer } from './fake-consumer.js';

function setUp(consume: ConsumeWith, options: Partial<SupervisedConsumerOptions> = {}) {
  const registry = new Registry();
  const monitor = new KafkaConsumerMonitor('test', registry);
  const consumers: FakeConsumer[] = [];
  const connectFailures: (Error | undefined)[] = [];
  const runCrashes: (Error | undefined)[] = [];
  const supervised = new SupervisedConsumer({
    name: 'registry',
    create: (config) => {
      const fake = new FakeConsumer(config, connectFailures.shift());
      fake.crashDuringRun = runCrashes.shift();
      consumers.push(fake);
      return fake as unknown as Consumer;
    },
    config: { groupId: 'g', retry: { retries: 3 } },
    subscription: { topics: ['t'], fromBeginning: true },
    consume,
    backoff: { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0 },
    monitor,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const latest = (): FakeConsumer => {
    const fake = consumers[consumers.length - 1];
    if (fake === undefined) throw new Error('no consumer created');
    return fake;
  };
  return { supervised, monitor, registry, consumers, connectFailures, runCrashes, latest };
}

async function metric(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = found?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

describe('SupervisedConsumer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('turns kafkajs restarts off and keeps the other retry options', async () => {
    const { supervised, latest } = setUp({ eachRecord: () => undefined });
    await supervised.start();
    const retry = latest().config.retry;
    expect(retry?.retries).toBe(3);
    await expect(retry?.restartOnFailure?.(new Error('x'))).resolves.toBe(false);
  });

  it('seeks to the given offsets once running', async () => {
    const { supervised, latest } = setUp({ eachRecord: () => undefined });
    await supervised.start([{ topic: 't', partition: 1, offset: '40' }]);
    expect(latest().seeks).toEqual([{ topic: 't', partition: 1, offset: '40' }]);
    expect(supervised.health()).toEqual({ state: 'running', restarts: 0 });
  });

  it('catches a throwing handler, counts the record and goes on with the next one', async () => {
    const seen: string[] = [];
    const { supervised, latest, registry } = setUp({
      eachRecord: ({ message }) => {
        if (message.value?.toString() === 'poison') throw new RangeError('Maximum call stack size exceeded');
        seen.push(message.offset);
      },
    });
    await supervised.start();
    await latest().deliver('t', 0, '0', 'poison');
    await latest().deliver('t', 0, '1');
    expect(seen).toEqual(['1']);
    expect(
      await metric(registry, 'test_kafka_records_skipped_total', { topic: 't', reason: 'handler_error' }),
    ).toBe(1);
    expect(supervised.health().state).toBe('running');
  });

  it('catches per record in batched mode too', async () => {
    const seen: string[] = [];
    const { supervised, latest, registry } = setUp({
      eachRecord: ({ message }) => {
        if (message.offset === '5') throw new Error('bad');
        seen.push(message.offset);
      },
      batched: true,
    });
    await supervised.start();
    await latest().deliverBatch('t', 2, ['4', '5', '6']);
    expect(seen).toEqual(['4', '6']);
    expect(await metric(registry, 'test_kafka_records_skipped_total', { reason: 'handler_error' })).toBe(1);
  });

  it('after a crash reports unhealthy, rebuilds the consumer with backoff and resumes after the last record', async () => {
    const { supervised, latest, consumers, monitor, registry } = setUp({ eachRecord: () => undefined });
    await supervised.start([{ topic: 't', partition: 1, offset: '0' }]);
    await latest().deliver('t', 0, '7');
    await latest().deliver('t', 1, '3');
    const first = latest();

    first.crash(new Error('The coordinator is not aware of this member'));
    expect(supervised.health().state).toBe('restarting');
    expect(supervised.health().lastError).toContain('coordinator');
    expect(monitor.report().healthy).toBe(false);
    expect(await metric(registry, 'test_kafka_consumer_up', { consumer: 'registry' })).toBe(0);

    await vi.advanceTimersByTimeAsync(99);
    expect(consumers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(2);
    expect(first.connected).toBe(false);
    expect(latest().connected).toBe(true);
    expect(latest().seeks).toEqual([
      { topic: 't', partition: 1, offset: '4' },
      { topic: 't', partition: 0, offset: '8' },
    ]);
    expect(supervised.health()).toEqual({ state: 'running', restarts: 1 });
    expect(monitor.report()).toEqual({
      healthy: true,
      consumers: { registry: { state: 'running', restarts: 1 } },
    });
    expect(await metric(registry, 'test_kafka_consumer_restarts_total', { consumer: 'registry' })).toBe(1);
    expect(await metric(registry, 'test_kafka_consumer_up', { consumer: 'registry' })).toBe(1);
  });

  it('resumes a position that its partition no longer holds at the oldest record kept', async () => {
    const { supervised, latest } = setUp(
      { eachRecord: () => undefined },
      {
        // The topic was deleted and created again: partition 0 now holds 2 records, partition 1 none
        // yet, and on partition 2 retention has passed the remembered position.
        partitionBounds: () =>
          Promise.resolve([
            { partition: 0, low: '0', high: '2' },
            { partition: 1, low: '0', high: '0' },
            { partition: 2, low: '50', high: '60' },
            { partition: 3, low: '0', high: '30' },
          ]),
      },
    );
    await supervised.start();
    await latest().deliver('t', 0, '7');
    await latest().deliver('t', 1, '3');
    await latest().deliver('t', 2, '20');
    await latest().deliver('t', 3, '9');
    latest().crash(new Error('This server does not host this topic-partition'));
    await vi.advanceTimersByTimeAsync(100);
    expect(latest().seeks).toEqual([
      { topic: 't', partition: 0, offset: '0' },
      { topic: 't', partition: 1, offset: '0' },
      { topic: 't', partition: 2, offset: '50' },
      { topic: 't', partition: 3, offset: '10' },
    ]);
  });

  it('keeps trying with growing delays while the consumer cannot come back', async () => {
    const { supervised, latest, consumers, connectFailures } = setUp({ eachRecord: () => undefined });
    await supervised.start();
    connectFailures.push(new Error('broker down'), new Error('broker down'));
    latest().crash(new Error('connection closed'));

    await vi.advanceTimersByTimeAsync(100);
    expect(consumers).toHaveLength(2);
    expect(supervised.health()).toMatchObject({ state: 'restarting', lastError: 'broker down' });
    await vi.advanceTimersByTimeAsync(199);
    expect(consumers).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(3);
    expect(supervised.health().state).toBe('restarting');
    await vi.advanceTimersByTimeAsync(400);
    expect(consumers).toHaveLength(4);
    expect(supervised.health()).toEqual({ state: 'running', restarts: 1 });
  });

  it('ignores a crash of a consumer it already replaced', async () => {
    const { supervised, latest, consumers } = setUp({ eachRecord: () => undefined });
    await supervised.start();
    const first = latest();
    first.crash(new Error('one'));
    await vi.advanceTimersByTimeAsync(100);
    first.crash(new Error('late duplicate'));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(consumers).toHaveLength(2);
    expect(supervised.health()).toEqual({ state: 'running', restarts: 1 });
  });

  it('stops restarting when stopped during the backoff', async () => {
    const { supervised, latest, consumers, monitor } = setUp({ eachRecord: () => undefined });
    await supervised.start();
    latest().crash(new Error('gone'));
    await supervised.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(consumers).toHaveLength(1);
    expect(supervised.health().state).toBe('stopped');
    expect(monitor.report().healthy).toBe(false);
  });

  it('survives a crash while its first run joins the group: starts once the replacement runs, and seeks on it', async () => {
    const { supervised, consumers, runCrashes } = setUp({ eachRecord: () => undefined });
    // As on a broker whose group coordinator is still loading.
    runCrashes.push(new Error('coordinator loading'));
    const seek = { topic: 't', partition: 0, offset: '5' };
    let started = false;
    const starting = supervised.start([seek]).then(() => (started = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(supervised.health().state).toBe('restarting');
    expect(started).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await starting;
    expect(supervised.health().state).toBe('running');
    expect(consumers).toHaveLength(2);
    expect(consumers[1]?.seeks).toEqual([seek]);
    await supervised.stop();
  });

  it('retries a first start that fails with a retriable error', async () => {
    const { supervised, connectFailures, consumers } = setUp({ eachRecord: () => undefined });
    connectFailures.push(Object.assign(new Error('coordinator loading'), { retriable: true }));
    const started = supervised.start();
    await vi.advanceTimersByTimeAsync(1000);
    await started;
    expect(consumers).toHaveLength(2);
    expect(supervised.health().state).toBe('running');
    await supervised.stop();
  });

  it('rejects when the first start fails and leaves no consumer connected', async () => {
    const { supervised, connectFailures, latest } = setUp({ eachRecord: () => undefined });
    connectFailures.push(new Error('no brokers'));
    await expect(supervised.start()).rejects.toThrow('no brokers');
    expect(latest().connected).toBe(false);
    expect(supervised.consumer).toBeUndefined();
  });

  it('passes batches through to a batch consumer, which owns its errors', async () => {
    const batches: string[][] = [];
    const { supervised, latest } = setUp({
      eachBatch: ({ batch }) => {
        batches.push(batch.messages.map((m) => m.offset));
        return Promise.resolve();
      },
    });
    await supervised.start();
    await latest().deliverBatch('t', 0, ['1', '2']);
    expect(batches).toEqual([['1', '2']]);
  });
});
