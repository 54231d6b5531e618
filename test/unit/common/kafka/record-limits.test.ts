import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { OutRecord } from '../../../../common/kafka/record-batcher.js';
import {
  KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
  RECORD_BATCH_OVERHEAD,
  batchBytesFor,
  describeMisfit,
  encodedRecordBytes,
  firstMisfit,
  readRecordLimits,
  recordLimits,
  recordMisfit,
} from '../../../../common/kafka/record-limits.js';

const headers = { 'content-type': 'application/json', schema: 'telemetry/1', 'device-id': 'dev-1' };

function recordOf(valueBytes: number, topic = 't'): OutRecord {
  return { topic, key: 'dev-1', value: Buffer.alloc(valueBytes, 0x61), headers };
}

describe('encodedRecordBytes', () => {
  it('counts key, value and headers with their varint lengths and the record framing', () => {
    const r = recordOf(100);
    // attributes 1 + deltas bound 10 + key (1 + 5) + value (2 + 100) + header count 1
    // + headers (1 + 12 + 1 + 16) + (1 + 6 + 1 + 11) + (1 + 9 + 1 + 5), then its length varint 2.
    expect(encodedRecordBytes(r)).toBe(1 + 10 + 6 + 102 + 1 + 30 + 19 + 16 + 2);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const ascii = { ...recordOf(10), key: 'device' };
    const accented = { ...recordOf(10), key: 'dévice' };
    expect(encodedRecordBytes(accented)).toBe(encodedRecordBytes(ascii) + 1);
  });
});

describe('recordMisfit', () => {
  // Measured against Kafka 4.4 with max.message.bytes=10000: a value of 9832 bytes with these
  // headers was the largest accepted, so the bound may only be a few bytes over the real size.
  const limits = recordLimits(new Map([['t', 10_000]]), {
    fallbackMaxMessageBytes: KAFKA_DEFAULT_MAX_MESSAGE_BYTES,
    maxRequestBytes: 1_048_576,
  });

  it('accepts a record whose one-record batch fits the topic and refuses one that does not', () => {
    const fitting = 10_000 - RECORD_BATCH_OVERHEAD - encodedRecordBytes(recordOf(0)) - 4;
    expect(recordMisfit(recordOf(fitting), limits)).toBeUndefined();
    expect(recordMisfit(recordOf(fitting + 10), limits)).toMatchObject({
      topic: 't',
      limit: 10_000,
      by: 'topic',
    });
  });

  it('uses the fallback for topics it has not read, and the request limit on top', () => {
    expect(recordMisfit(recordOf(20_000, 'other'), limits)).toBeUndefined();
    expect(recordMisfit(recordOf(1_048_560, 'other'), limits)).toMatchObject({ by: 'topic' });
    const roomy = recordLimits(new Map(), {
      fallbackMaxMessageBytes: 10_000_000,
      maxRequestBytes: 1_048_576,
    });
    expect(recordMisfit(recordOf(1_048_000, 'other'), roomy)).toMatchObject({
      by: 'request',
      limit: 1_048_576,
    });
  });

  it('decides like the exact size near the limit, also for keys and headers beyond ASCII', () => {
    for (let value = 9_500; value <= 10_000; value += 7) {
      const r = { ...recordOf(value), key: 'dé-vice-€', headers: { ...headers, note: '😀 ünïcode' } };
      const exact = RECORD_BATCH_OVERHEAD + encodedRecordBytes(r) <= 10_000;
      expect(recordMisfit(r, limits) === undefined, `value of ${value} bytes`).toBe(exact);
    }
  });

  it('names the first record of a list that does not fit', () => {
    expect(firstMisfit([recordOf(10), recordOf(20_000), recordOf(30_000)], limits)).toMatchObject({
      bytes: RECORD_BATCH_OVERHEAD + encodedRecordBytes(recordOf(20_000)),
    });
    expect(firstMisfit([recordOf(10)], limits)).toBeUndefined();
  });

  it('describes a misfit for people', () => {
    expect(describeMisfit({ topic: 't', bytes: 20_100, limit: 10_000, by: 'topic' })).toBe(
      'the Kafka record would be 20100 bytes; t takes at most 10000 (max.message.bytes)',
    );
  });
});

describe('batchBytesFor', () => {
  it('keeps batches under the smallest topic limit and the request limit', () => {
    const limits = recordLimits(new Map([['a', 50_000]]), {
      fallbackMaxMessageBytes: 2_000_000,
      maxRequestBytes: 1_048_576,
    });
    expect(batchBytesFor(['a', 'b'], limits, 900_000)).toBe(50_000 - RECORD_BATCH_OVERHEAD);
    expect(batchBytesFor(['b'], limits, 900_000)).toBe(900_000);
  });
});

type DescribeConfigs = Admin['describeConfigs'];

function fakeAdmin(configs: Record<string, Record<string, string>>, brokerId = 1): Admin {
  const describeConfigs: DescribeConfigs = ({ resources }) => {
    const missing = resources.find((r) => !configs[r.name]);
    if (missing) return Promise.reject(new Error(`This server does not host ${missing.name}`));
    return Promise.resolve({
      throttleTime: 0,
      resources: resources.map((r) => ({
        errorCode: 0,
        errorMessage: '',
        resourceName: r.name,
        resourceType: r.type,
        configEntries: Object.entries(configs[r.name] ?? {}).map(([configName, configValue]) => ({
          configName,
          configValue,
          isDefault: false,
          configSource: 1,
          isSensitive: false,
          readOnly: false,
          configSynonyms: [],
        })),
      })),
    });
  };
  return {
    describeConfigs,
    describeCluster: () =>
      Promise.resolve({ brokers: [{ nodeId: brokerId, host: 'h', port: 1 }], controller: 1, clusterId: 'c' }),
  } as unknown as Admin;
}

describe('readRecordLimits', () => {
  it("reads each topic's max.message.bytes", async () => {
    const admin = fakeAdmin({ a: { 'max.message.bytes': '20000' }, b: { 'max.message.bytes': '1048588' } });
    const limits = await readRecordLimits(admin, ['a', 'b'], { maxRequestBytes: 1_048_576 });
    expect(limits.maxMessageBytes('a')).toBe(20_000);
    expect(limits.maxMessageBytes('b')).toBe(1_048_588);
    expect(limits.maxRequestBytes).toBe(1_048_576);
  });

  it("falls back to the broker's message.max.bytes for a topic it cannot read, then to Kafka's default", async () => {
    const fallbacks: string[] = [];
    const admin = fakeAdmin(
      { a: { 'max.message.bytes': '20000' }, '7': { 'message.max.bytes': '500000' } },
      7,
    );
    const limits = await readRecordLimits(admin, ['a', 'gone'], {
      maxRequestBytes: 1_048_576,
      onFallback: (what) => fallbacks.push(what),
    });
    expect(limits.maxMessageBytes('a')).toBe(20_000);
    expect(limits.maxMessageBytes('gone')).toBe(500_000);
    expect(fallbacks).toEqual(['max.message.bytes of gone']);

    const nothing = await readRecordLimits(fakeAdmin({}), ['a'], { maxRequestBytes: 1_048_576 });
    expect(nothing.maxMessageBytes('a')).toBe(KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
  });
});
