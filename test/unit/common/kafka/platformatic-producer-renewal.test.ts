import type { EventEmitter } from 'node:events';
import type * as platformaticKafka from '@platformatic/kafka';
import { MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { describe, expect, it, vi } from 'vitest';
import type { OutboundRecord } from '../../../../common/kafka/port.js';
import { recordLimits, type RecordMisfit } from '../../../../common/kafka/record-limits.js';

const clients = vi.hoisted(async () => {
  const events = await import('node:events');
  const made: { sent: number; closed: boolean; failNext: Error[]; brokers: number; emitter: EventEmitter }[] =
    [];
  class FakeProducer extends events.EventEmitter {
    readonly state = {
      sent: 0,
      closed: false,
      failNext: [] as Error[],
      brokers: 0,
      emitter: this as EventEmitter,
    };
    constructor() {
      super();
      made.push(this.state);
    }
    isConnected(): boolean {
      return this.state.brokers > 0;
    }
    send(): Promise<object> {
      const failure = this.state.failNext.shift();
      if (failure) return Promise.reject(failure);
      this.state.sent++;
      return Promise.resolve({});
    }
    close(): Promise<void> {
      this.state.closed = true;
      return Promise.resolve();
    }
  }
  return { made, FakeProducer };
});

vi.mock('@platformatic/kafka', async (importOriginal) => ({
  ...(await importOriginal<typeof platformaticKafka>()),
  Producer: (await clients).FakeProducer,
}));
const { made } = await clients;

const { platformaticProducer } = await import('../../../../common/kafka/platformatic-producer.js');

const producerOptions = {
  clientId: 'gw-test',
  brokers: ['127.0.0.1:9092'],
  connectionTimeoutMs: 5_000,
  requestTimeoutMs: 30_000,
  retries: 3,
  retryDelayMs: { initial: 1, max: 1 },
};

const record = (key: string, topic = 'iot.telemetry'): OutboundRecord => ({
  topic,
  key,
  value: Buffer.from('{}'),
  headers: {},
});
// The client's pool events, as a connection to one broker opens or closes.
function brokerConnects(client: (typeof made)[number]): void {
  client.brokers++;
  client.emitter.emit('client:broker:connect', {});
}
function brokerDisconnects(client: (typeof made)[number]): void {
  client.brokers--;
  client.emitter.emit('client:broker:disconnect', {});
}

const refusal = (id: string) => new MultipleErrors('Producing messages failed.', [new ProtocolError(id)]);

describe('platformatic producer after a failed send', () => {
  it('takes a new producer id before the next send when the sequence numbers may be behind', async () => {
    made.length = 0;
    const producer = platformaticProducer(producerOptions);
    const first = made[0];
    first?.failNext.push(refusal('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    await expect(producer.send([record('a')])).rejects.toMatchObject({
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    await producer.send([record('a')]);
    expect(made).toHaveLength(2);
    expect(first?.closed).toBe(true);
    expect(made[1]?.sent).toBe(1);
  });

  it('also after a refusal of a request that spanned several partitions, but not of one partition', async () => {
    made.length = 0;
    const producer = platformaticProducer(producerOptions);
    made[0]?.failNext.push(refusal('MESSAGE_TOO_LARGE'));
    await expect(producer.send([record('a')])).rejects.toMatchObject({ retriable: false });
    await producer.send([record('a')]);
    expect(made).toHaveLength(1);

    made[0]?.failNext.push(refusal('MESSAGE_TOO_LARGE'));
    await expect(producer.send([record('a'), record('b')])).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    });
    await producer.send([record('a')]);
    expect(made).toHaveLength(2);
  });

  it('keeps its producer after a transient failure, which the client retried in order', async () => {
    made.length = 0;
    const producer = platformaticProducer(producerOptions);
    made[0]?.failNext.push(refusal('NOT_ENOUGH_REPLICAS'));
    await expect(producer.send([record('a'), record('b')])).rejects.toMatchObject({ retriable: true });
    await producer.send([record('a')]);
    expect(made).toHaveLength(1);
    await producer.close();
    expect(made[0]?.closed).toBe(true);
  });
});

describe('platformatic producer connection state', () => {
  it('is connected while the current client holds a broker connection, and tells its listeners', () => {
    made.length = 0;
    const producer = platformaticProducer(producerOptions);
    const seen: boolean[] = [];
    producer.onConnection((connected) => seen.push(connected));
    const client = made[0]!;
    expect(producer.connected).toBe(false);
    brokerConnects(client);
    brokerConnects(client);
    brokerDisconnects(client);
    expect(producer.connected).toBe(true);
    brokerDisconnects(client);
    expect(producer.connected).toBe(false);
    expect(seen).toEqual([true, false]);
  });

  it('ignores a retired client closing its connections once a new one replaced it', async () => {
    made.length = 0;
    const producer = platformaticProducer(producerOptions);
    const first = made[0]!;
    brokerConnects(first);
    first.failNext.push(refusal('UNKNOWN_PRODUCER_ID'));
    await expect(producer.send([record('a')])).rejects.toMatchObject({ type: 'UNKNOWN_PRODUCER_ID' });
    await producer.send([record('a')]);
    const second = made[1]!;
    brokerConnects(second);
    brokerDisconnects(first);
    expect(producer.connected).toBe(true);
  });
});

describe('platformatic producer record limits', () => {
  const limits = recordLimits(new Map([['iot.telemetry', 200]]), {
    fallbackMaxMessageBytes: 1_048_588,
    maxRequestBytes: 1024 * 1024,
  });

  it('refuses a send holding a record its topic cannot take, before anything is sent, and reports it', async () => {
    made.length = 0;
    const misfits: RecordMisfit[] = [];
    const producer = platformaticProducer({
      ...producerOptions,
      recordLimits: { limits, onMisfit: (misfit) => misfits.push(misfit) },
    });
    const large = { ...record('a'), value: Buffer.alloc(500) };
    await expect(producer.send([record('b'), large])).rejects.toMatchObject({
      name: 'RecordRejectedError',
      reason: 'RECORD_TOO_LARGE',
      retriable: false,
    });
    expect(made[0]?.sent).toBe(0);
    expect(misfits).toMatchObject([{ topic: 'iot.telemetry', by: 'topic', limit: 200 }]);
    await producer.send([record('b')]);
    expect(made[0]?.sent).toBe(1);
  });
});
