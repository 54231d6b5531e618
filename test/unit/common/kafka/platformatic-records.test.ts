import { describe, expect, it } from 'vitest';
import {
  generationOf,
  partitionBatches,
  recordHeaders,
  recordMessage,
} from '../../../../common/kafka/platformatic-records.js';
import { clientMessage } from './fake-platformatic.js';

describe('recordMessage', () => {
  it('gives key, value and headers as kafkajs does: Buffers, null for absent, the offset in decimal', () => {
    const message = clientMessage({
      offset: 12,
      key: 'dev-1',
      value: '{"a":1}',
      headers: [
        ['device-id', 'dev-1'],
        ['schema', 'telemetry/1'],
      ],
    });
    expect(recordMessage(message)).toEqual({
      key: Buffer.from('dev-1'),
      value: Buffer.from('{"a":1}'),
      headers: { 'device-id': Buffer.from('dev-1'), schema: Buffer.from('telemetry/1') },
      offset: '12',
    });
  });

  it('keeps a tombstone a tombstone and an empty value empty', () => {
    expect(recordMessage(clientMessage({ offset: 0, key: 'k', value: null })).value).toBeNull();
    expect(recordMessage(clientMessage({ offset: 0, value: '' })).value).toEqual(Buffer.alloc(0));
    expect(recordMessage(clientMessage({ offset: 0 })).key).toBeNull();
  });
});

describe('recordHeaders', () => {
  it('turns a repeated header into an array of its values, in order, as kafkajs does', () => {
    const { headers } = clientMessage({
      offset: 0,
      headers: [
        ['x', '1'],
        ['y', 'only'],
        ['x', '2'],
        ['x', '3'],
      ],
    });
    expect(recordHeaders(headers)).toEqual({
      x: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')],
      y: Buffer.from('only'),
    });
  });

  it('keeps a header without a value, and one named like a prototype, as own properties', () => {
    const { headers } = clientMessage({
      offset: 0,
      headers: [
        ['empty', undefined],
        ['__proto__', 'p'],
      ],
    });
    const out = recordHeaders(headers);
    expect(Object.keys(out)).toEqual(['empty', '__proto__']);
    expect(out.empty).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual(Buffer.from('p'));
  });
});

describe('partitionBatches', () => {
  it('makes one batch a partition, in the order partitions first came, records in order', () => {
    const messages = [
      clientMessage({ partition: 1, offset: 5 }),
      clientMessage({ partition: 0, offset: 9 }),
      clientMessage({ partition: 1, offset: 6 }),
      clientMessage({ topic: 'u', partition: 1, offset: 0 }),
      clientMessage({ partition: 0, offset: 10 }),
    ];
    const batches = partitionBatches(messages).map((b) => [
      b.topic,
      b.partition,
      b.messages.map((m) => Number(m.offset)),
    ]);
    expect(batches).toEqual([
      ['t', 1, [5, 6]],
      ['t', 0, [9, 10]],
      ['u', 1, [0]],
    ]);
  });

  it('keeps records fetched in another group generation apart, so each batch runs in offset order', () => {
    const messages = [
      clientMessage({ offset: 7, generation: 1 }),
      clientMessage({ offset: 8, generation: 1 }),
      clientMessage({ offset: 5, generation: 2 }),
      clientMessage({ offset: 6, generation: 2 }),
    ];
    expect(partitionBatches(messages).map((b) => [b.generation, b.messages.map((m) => m.offset)])).toEqual([
      [1, [7n, 8n]],
      [2, [5n, 6n]],
    ]);
  });

  it('reads the generation from the metadata the client notes, and nothing from a record without it', () => {
    expect(generationOf(clientMessage({ offset: 0, generation: 4 }))).toBe(4);
    expect(generationOf({ ...clientMessage({ offset: 0 }), metadata: {} })).toBeUndefined();
  });
});
