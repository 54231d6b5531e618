import { NetworkError, UserError } from '@platformatic/kafka';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerHealth, ConsumerMonitor } from '../../../../common/kafka/consumer-monitor.js';
import {
  PlatformaticConsumer,
  type PlatformaticConsumeWith,
  type PlatformaticConsumerOptions,
} from '../../../../common/kafka/platformatic-consumer.js';
import { clientMessage, fakeConsumers } from './fake-platformatic.js';

function setUp(consume: PlatformaticConsumeWith, options: Partial<PlatformaticConsumerOptions> = {}) {
  const fakes = fakeConsumers();
  const states: ConsumerHealth[] = [];
  const skipped: string[] = [];
  const monitor: ConsumerMonitor = {
    skipped: (topic, reason) => skipped.push(`${topic}:${reason}`),
    restarted: () => undefined,
    changed: (_name, health) => states.push({ ...health }),
  };
  const consumer = new PlatformaticConsumer({
    name: 'registry',
    client: { clientId: 'c', brokers: ['b:9092'], connectionTimeoutMs: 1_000, requestTimeoutMs: 30_000 },
    groupId: 'g',
    topics: ['t'],
    readFrom: 'positions',
    maxWaitMs: 100,
    consume,
    create: fakes.create,
    backoff: { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0 },
    monitor,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  return { consumer, states, skipped, ...fakes };
}

/** Lets the stream emit and the consumer hand over what it read. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('PlatformaticConsumer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('joins with the session, heartbeat and fetch settings, committing nothing on its own', async () => {
    const { consumer, latest } = setUp(
      { eachRecord: () => undefined },
      { sessionTimeoutMs: 6_000, minBytes: 1_000 },
    );
    await consumer.start([{ topic: 't', partition: 0, offset: '4' }]);
    expect(latest().options).toMatchObject({
      groupId: 'g',
      sessionTimeout: 6_000,
      heartbeatInterval: 600,
      rebalanceTimeout: 60_000,
      autocommit: false,
      maxWaitTime: 100,
      minBytes: 1_000,
      requestTimeout: 65_000,
    });
    expect(latest().consumed).toMatchObject({
      mode: 'manual',
      autocommit: false,
      offsets: [{ topic: 't', partition: 0, offset: 4n }],
    });
    await consumer.stop();
  });

  it('hands records over in order, skips and counts the one whose handler throws', async () => {
    const seen: string[] = [];
    const { consumer, latest, skipped, states } = setUp({
      eachRecord: ({ partition, message }) => {
        if (message.value?.toString() === 'poison') throw new Error('bad');
        seen.push(`${partition}:${message.offset}`);
      },
    });
    await consumer.start();
    latest().stream.deliver(
      clientMessage({ partition: 1, offset: 3 }),
      clientMessage({ partition: 0, offset: 7, value: 'poison' }),
      clientMessage({ partition: 1, offset: 4 }),
      clientMessage({ partition: 0, offset: 8 }),
    );
    await settle();
    expect(seen).toEqual(['1:3', '1:4', '0:8']);
    expect(skipped).toEqual(['t:handler_error']);
    expect(states[states.length - 1]).toEqual({ state: 'running', restarts: 0 });
    await consumer.stop();
  });

  it('after its stream fails rebuilds the consumer with backoff and resumes after the last record handled', async () => {
    const { consumer, latest, consumers, states } = setUp({ eachRecord: () => undefined });
    await consumer.start([
      { topic: 't', partition: 0, offset: '0' },
      { topic: 't', partition: 1, offset: '10' },
    ]);
    latest().stream.deliver(clientMessage({ partition: 0, offset: 4 }));
    await settle();
    const first = latest();
    first.stream.destroy(new NetworkError('fetch failed 9 times.'));
    await settle();
    expect(states[states.length - 1]).toMatchObject({
      state: 'restarting',
      lastError: 'fetch failed 9 times.',
    });
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(99);
    expect(consumers).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(consumers).toHaveLength(2);
    expect(latest().consumed?.offsets).toEqual([
      { topic: 't', partition: 0, offset: 5n },
      { topic: 't', partition: 1, offset: 10n },
    ]);
    expect(consumer.health()).toEqual({ state: 'running', restarts: 1 });
    await consumer.stop();
  });

  it('moves a position outside its partition back to the oldest record before a rebuild', async () => {
    const { consumer, latest } = setUp(
      { eachRecord: () => undefined },
      { partitionBounds: () => Promise.resolve([{ partition: 0, low: '0', high: '1' }]) },
    );
    await consumer.start([{ topic: 't', partition: 0, offset: '30' }]);
    latest().stream.destroy(new Error('topic deleted'));
    await vi.advanceTimersByTimeAsync(100);
    expect(latest().consumed?.offsets).toEqual([{ topic: 't', partition: 0, offset: 0n }]);
    await consumer.stop();
  });

  it('counts a consumer that falls out of its group as a crash', async () => {
    const { consumer, latest, consumers } = setUp({ eachRecord: () => undefined });
    await consumer.start();
    latest().emit('error', new Error('rejoinGroup failed 9 times.'));
    expect(consumer.health()).toMatchObject({ state: 'restarting' });
    await vi.advanceTimersByTimeAsync(100);
    expect(consumers).toHaveLength(2);
    expect(consumer.health()).toEqual({ state: 'running', restarts: 1 });
    await consumer.stop();
  });

  it('rebuilds after a batch handler throws, and reads that batch again', async () => {
    const batches: string[][] = [];
    let failing = true;
    const { consumer, latest } = setUp({
      eachBatch: (batch) => {
        batches.push(batch.messages.map((m) => m.offset));
        if (failing) return Promise.reject(new Error('store down'));
        return Promise.resolve();
      },
    });
    await consumer.start([{ topic: 't', partition: 0, offset: '5' }]);
    latest().stream.deliver(clientMessage({ offset: 5 }), clientMessage({ offset: 6 }));
    await settle();
    failing = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(latest().consumed?.offsets).toEqual([{ topic: 't', partition: 0, offset: 5n }]);
    latest().stream.deliver(clientMessage({ offset: 5 }), clientMessage({ offset: 6 }));
    await settle();
    expect(batches).toEqual([
      ['5', '6'],
      ['5', '6'],
    ]);
    await consumer.stop();
  });

  it('hands nothing more over once paused, also what it had already fetched', async () => {
    const seen: string[] = [];
    let release: () => void = () => undefined;
    const { consumer, latest } = setUp({
      eachRecord: async ({ message }) => {
        seen.push(message.offset);
        if (message.offset === '0') await new Promise<void>((resolve) => (release = resolve));
      },
    });
    await consumer.start();
    latest().stream.deliver(clientMessage({ offset: 0 }), clientMessage({ offset: 1 }));
    await settle();
    consumer.pause();
    release();
    latest().stream.deliver(clientMessage({ offset: 2 }));
    await settle();
    expect(seen).toEqual(['0']);
    expect(latest().stream.isPaused()).toBe(true);
    await consumer.stop();
  });

  it('lets the record in progress finish before it closes the consumer at stop', async () => {
    const events: string[] = [];
    let release: () => void = () => undefined;
    const { consumer, latest } = setUp({
      eachRecord: async () => {
        events.push('handling');
        await new Promise<void>((resolve) => (release = resolve));
        events.push('handled');
      },
    });
    await consumer.start();
    const running = latest();
    running.stream.deliver(clientMessage({ offset: 0 }), clientMessage({ offset: 1 }));
    await settle();
    const stopped = consumer.stop().then(() => events.push(`stopped, closed: ${running.closed}`));
    await settle();
    expect(running.closed).toBe(false);
    release();
    await stopped;
    expect(events).toEqual(['handling', 'handled', 'stopped, closed: true']);
    expect(consumer.health().state).toBe('stopped');
  });

  it('retries a first start that fails transiently, and rejects at once on a final failure', async () => {
    const transient = setUp({ eachRecord: () => undefined });
    transient.failures.push(new NetworkError('Connection to b:9092 failed.'));
    const started = transient.consumer.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await started;
    expect(transient.consumers.map((c) => c.closed)).toEqual([true, false]);
    expect(transient.consumer.health().state).toBe('running');
    await transient.consumer.stop();

    const final = setUp({ eachRecord: () => undefined });
    final.failures.push(new UserError('/options/topics must be array'));
    await expect(final.consumer.start()).rejects.toThrow('/options/topics must be array');
    expect(final.consumers).toHaveLength(1);
    expect(final.latest().closed).toBe(true);
    expect(final.consumer.consumer).toBeUndefined();
  });
});
