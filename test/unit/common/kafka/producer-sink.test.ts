import kafkajs, { type Producer, type ProducerBatch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { producerSink } from '../../../../common/kafka/producer-sink.js';
import type { OutRecord } from '../../../../common/kafka/record-batcher.js';
import { RenewableProducer } from '../../../../common/kafka/renewable-producer.js';

const { KafkaJSConnectionError, KafkaJSProtocolError } = kafkajs;

function protocolError(type: string, code: number): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(type), { type, code, retriable: false }));
}

/** Just enough of a kafkajs producer: records what it is asked and fails as scripted. */
class FakeProducer {
  readonly batches: ProducerBatch[] = [];
  readonly events = { CONNECT: 'producer.connect', DISCONNECT: 'producer.disconnect' } as Producer['events'];
  connected = false;
  failures: Error[] = [];
  connectFailure: Error | undefined;
  private readonly listeners = new Map<string, (() => void)[]>();

  constructor(readonly id: number) {}

  on(event: string, listener: () => void): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return () => undefined;
  }
  connect(): Promise<void> {
    if (this.connectFailure) return Promise.reject(this.connectFailure);
    this.connected = true;
    for (const l of this.listeners.get(this.events.CONNECT) ?? []) l();
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    this.connected = false;
    for (const l of this.listeners.get(this.events.DISCONNECT) ?? []) l();
    return Promise.resolve();
  }
  sendBatch(batch: ProducerBatch): Promise<[]> {
    this.batches.push(batch);
    const failure = this.failures.shift();
    return failure ? Promise.reject(failure) : Promise.resolve([]);
  }
}

function renewable(): { producer: RenewableProducer; made: FakeProducer[] } {
  const made: FakeProducer[] = [];
  const producer = new RenewableProducer(() => {
    const fake = new FakeProducer(made.length);
    made.push(fake);
    return fake as unknown as Producer;
  });
  return { producer, made };
}

const rec = (topic: string, key: string, value = 'v'): OutRecord => ({
  topic,
  key,
  value: Buffer.from(value),
  headers: {},
});

describe('producerSink', () => {
  it('groups records by topic into one acks=all sendBatch', async () => {
    const fake = new FakeProducer(0);
    await producerSink(fake as unknown as Producer).send([
      rec('a', 'k1', '1'),
      rec('b', 'k1', '2'),
      rec('a', 'k2', '3'),
    ]);
    expect(fake.batches).toHaveLength(1);
    expect(fake.batches[0]?.acks).toBe(-1);
    expect(
      fake.batches[0]?.topicMessages?.map((t) => [t.topic, t.messages.map((m) => String(m.value))]),
    ).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it('replaces the producer after a refused request that spanned partitions, before sending again', async () => {
    const { producer, made } = renewable();
    await producer.connect();
    const sink = producerSink(producer);
    made[0]!.failures.push(protocolError('MESSAGE_TOO_LARGE', 10));
    await expect(sink.send([rec('a', 'k1'), rec('a', 'k2')])).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    });
    expect(made).toHaveLength(1);
    await sink.send([rec('a', 'k1')]);
    expect(made).toHaveLength(2);
    expect(made[0]!.connected).toBe(false);
    expect(made[1]!.batches).toHaveLength(1);
    expect(producer.current).toBe(made[1]);
  });

  it('keeps the producer after a refused request for one partition: nothing was appended', async () => {
    const { producer, made } = renewable();
    await producer.connect();
    const sink = producerSink(producer);
    made[0]!.failures.push(protocolError('MESSAGE_TOO_LARGE', 10));
    await expect(sink.send([rec('a', 'k1'), rec('a', 'k1')])).rejects.toThrow();
    await sink.send([rec('a', 'k1')]);
    expect(made).toHaveLength(1);
  });

  it('replaces the producer whose sequence numbers the broker no longer accepts', async () => {
    const { producer, made } = renewable();
    await producer.connect();
    const sink = producerSink(producer);
    made[0]!.failures.push(protocolError('OUT_OF_ORDER_SEQUENCE_NUMBER', 45));
    await expect(sink.send([rec('a', 'k1')])).rejects.toThrow();
    await sink.send([rec('a', 'k1')]);
    expect(made).toHaveLength(2);
  });

  it('keeps the producer on transient errors', async () => {
    const { producer, made } = renewable();
    await producer.connect();
    const sink = producerSink(producer);
    made[0]!.failures.push(new KafkaJSConnectionError('Connection error'));
    await expect(sink.send([rec('a', 'k1'), rec('b', 'k2')])).rejects.toThrow();
    await sink.send([rec('a', 'k1')]);
    expect(made).toHaveLength(1);
  });

  it('keeps the old producer when the new one cannot connect, and tries again next time', async () => {
    const { producer, made } = renewable();
    await producer.connect();
    const sink = producerSink(producer);
    made[0]!.failures.push(protocolError('UNKNOWN_PRODUCER_ID', 59));
    await expect(sink.send([rec('a', 'k1')])).rejects.toThrow();
    const create = (producer as unknown as { create: () => Producer }).create;
    (producer as unknown as { create: () => Producer }).create = () => {
      const fake = create() as unknown as FakeProducer;
      fake.connectFailure = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
      return fake as unknown as Producer;
    };
    await expect(sink.send([rec('a', 'k1')])).rejects.toThrow(/ECONNREFUSED/);
    expect(producer.current).toBe(made[0]);
    (producer as unknown as { create: () => Producer }).create = create;
    await sink.send([rec('a', 'k1')]);
    expect(producer.current).toBe(made[2]);
    expect(made[2]!.batches).toHaveLength(1);
  });
});

describe('RenewableProducer', () => {
  it('passes on the lifecycle events of the current producer only', async () => {
    const { producer } = renewable();
    const seen: string[] = [];
    producer.on(producer.events.CONNECT, () => seen.push('connect'));
    producer.on(producer.events.DISCONNECT, () => seen.push('disconnect'));
    await producer.connect();
    await producer.renew();
    expect(seen).toEqual(['connect']);
    await producer.disconnect();
    expect(seen).toEqual(['connect', 'disconnect']);
  });
});
