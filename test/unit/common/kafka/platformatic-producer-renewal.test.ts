import type * as platformaticKafka from '@platformatic/kafka';
import { MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { describe, expect, it, vi } from 'vitest';
import type { OutboundRecord } from '../../../../common/kafka/port.js';

const clients = vi.hoisted(() => {
  const made: { sent: number; closed: boolean; failNext: Error[] }[] = [];
  class FakeProducer {
    readonly state = { sent: 0, closed: false, failNext: [] as Error[] };
    constructor() {
      made.push(this.state);
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
  Producer: clients.FakeProducer,
}));

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
const refusal = (id: string) => new MultipleErrors('Producing messages failed.', [new ProtocolError(id)]);

describe('platformatic producer after a failed send', () => {
  it('takes a new producer id before the next send when the sequence numbers may be behind', async () => {
    clients.made.length = 0;
    const producer = platformaticProducer(producerOptions);
    const first = clients.made[0];
    first?.failNext.push(refusal('OUT_OF_ORDER_SEQUENCE_NUMBER'));
    await expect(producer.send([record('a')])).rejects.toMatchObject({
      type: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
    });
    await producer.send([record('a')]);
    expect(clients.made).toHaveLength(2);
    expect(first?.closed).toBe(true);
    expect(clients.made[1]?.sent).toBe(1);
  });

  it('also after a refusal of a request that spanned several partitions, but not of one partition', async () => {
    clients.made.length = 0;
    const producer = platformaticProducer(producerOptions);
    clients.made[0]?.failNext.push(refusal('MESSAGE_TOO_LARGE'));
    await expect(producer.send([record('a')])).rejects.toMatchObject({ retriable: false });
    await producer.send([record('a')]);
    expect(clients.made).toHaveLength(1);

    clients.made[0]?.failNext.push(refusal('MESSAGE_TOO_LARGE'));
    await expect(producer.send([record('a'), record('b')])).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    });
    await producer.send([record('a')]);
    expect(clients.made).toHaveLength(2);
  });

  it('keeps its producer after a transient failure, which the client retried in order', async () => {
    clients.made.length = 0;
    const producer = platformaticProducer(producerOptions);
    clients.made[0]?.failNext.push(refusal('NOT_ENOUGH_REPLICAS'));
    await expect(producer.send([record('a'), record('b')])).rejects.toMatchObject({ retriable: true });
    await producer.send([record('a')]);
    expect(clients.made).toHaveLength(1);
    await producer.close();
    expect(clients.made[0]?.closed).toBe(true);
  });
});
