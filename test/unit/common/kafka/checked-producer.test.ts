import type { Producer, ProducerBatch, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { withRecordLimits } from '../../../../common/kafka/checked-producer.js';
import type { RecordMisfit } from '../../../../common/kafka/record-limits.js';
import { recordLimits } from '../../../../common/kafka/record-limits.js';

function fakeProducer(): { producer: Producer; sent: (ProducerRecord | ProducerBatch)[] } {
  const sent: (ProducerRecord | ProducerBatch)[] = [];
  const producer = {
    connect: () => Promise.resolve(),
    send: (record: ProducerRecord) => {
      sent.push(record);
      return Promise.resolve([]);
    },
    sendBatch: (batch: ProducerBatch) => {
      sent.push(batch);
      return Promise.resolve([]);
    },
  } as unknown as Producer;
  return { producer, sent };
}

const limits = recordLimits(new Map([['iot.commands', 1000]]), {
  fallbackMaxMessageBytes: 1_048_588,
  maxRequestBytes: 1_048_576,
});

describe('withRecordLimits', () => {
  it('passes messages that fit through to the producer, keeping its other methods', async () => {
    const { producer, sent } = fakeProducer();
    const checked = withRecordLimits(producer, limits);
    await checked.send({
      topic: 'iot.commands',
      messages: [{ key: 'd', value: 'x'.repeat(500), headers: { a: ['1', '2'] } }],
    });
    await checked.sendBatch({
      topicMessages: [{ topic: 'iot.other', messages: [{ value: Buffer.alloc(100_000) }] }],
    });
    expect(sent).toHaveLength(2);
    await checked.connect();
    expect(Object.keys(checked).sort()).toEqual(Object.keys(producer).sort());
  });

  it('refuses a whole send holding a message its topic cannot take, and says so', async () => {
    const { producer, sent } = fakeProducer();
    const refused: RecordMisfit[] = [];
    const checked = withRecordLimits(producer, limits, (m) => refused.push(m));
    const big = { key: 'd', value: 'x'.repeat(2000) };
    await expect(
      checked.send({ topic: 'iot.commands', messages: [{ key: 'd', value: '{}' }, big] }),
    ).rejects.toMatchObject({
      name: 'RecordRejectedError',
      reason: 'RECORD_TOO_LARGE',
      retriable: false,
      topic: 'iot.commands',
    });
    await expect(
      checked.sendBatch({ topicMessages: [{ topic: 'iot.commands', messages: [big] }] }),
    ).rejects.toThrow(/iot\.commands takes at most 1000/);
    expect(sent).toHaveLength(0);
    expect(refused.map((m) => m.topic)).toEqual(['iot.commands', 'iot.commands']);
  });
});
