import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deadLetterRecordSchema, kafkaTopicNames } from '../../../../contracts/index.js';
import { recordLimits, recordMisfit } from '../../../../common/kafka/record-limits.js';
import { deadLetterRecord, type DeadLetterInput } from '../../../../gateway/uplink/dead-letter.js';

const topics = kafkaTopicNames('iot');

function input(payload: Buffer): DeadLetterInput {
  return {
    code: 'invalid_json',
    reason: 'not JSON',
    topic: 'devices/dev-1/events',
    clientId: 'dev-1',
    deviceId: 'dev-1',
    payload,
    at: 1_700_000_000_000,
  };
}

function parse(value: Buffer) {
  return deadLetterRecordSchema.parse(JSON.parse(value.toString()));
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('deadLetterRecord', () => {
  it('keeps a small payload whole, with its size and SHA-256', () => {
    const payload = Buffer.from('not json');
    const record = deadLetterRecord(input(payload), topics, 'gw-1', { maxPayloadBytes: 1024 });
    const value = parse(record.value);
    expect(record).toMatchObject({ topic: 'iot.dead-letter', key: 'dev-1' });
    expect(value).toMatchObject({
      payloadBytes: 8,
      payloadSha256: sha256(payload),
      payloadTruncated: false,
      reason: 'invalid_json: not JSON',
      source: 'gateway/gw-1',
    });
    expect(Buffer.from(value.payloadBase64, 'base64')).toEqual(payload);
  });

  it('keeps only the first bytes of a large payload, and the size and hash of all of it', () => {
    const payload = randomBytes(900 * 1024);
    const value = parse(
      deadLetterRecord(input(payload), topics, 'gw-1', { maxPayloadBytes: 64 * 1024 }).value,
    );
    expect(value.payloadBytes).toBe(900 * 1024);
    expect(value.payloadSha256).toBe(sha256(payload));
    expect(value.payloadTruncated).toBe(true);
    expect(Buffer.from(value.payloadBase64, 'base64')).toEqual(payload.subarray(0, 64 * 1024));
  });

  it('truncates at 64 KiB by default', () => {
    const value = parse(deadLetterRecord(input(randomBytes(100_000)), topics, 'gw-1').value);
    expect(Buffer.from(value.payloadBase64, 'base64').length).toBe(64 * 1024);
  });

  it('keeps no payload bytes when told to keep none', () => {
    const payload = Buffer.from('abc');
    const value = parse(deadLetterRecord(input(payload), topics, 'gw-1', { maxPayloadBytes: 0 }).value);
    expect(value).toMatchObject({
      payloadBase64: '',
      payloadBytes: 3,
      payloadTruncated: true,
      payloadSha256: sha256(payload),
    });
  });

  it.each([2_000, 10_000, 50_000, 100_000])(
    'shrinks the payload further until the record fits a dead-letter topic of %i bytes',
    (limit) => {
      const limits = recordLimits(new Map([[topics.deadLetter, limit]]), {
        fallbackMaxMessageBytes: 1_048_588,
        maxRequestBytes: 1_048_576,
      });
      const payload = randomBytes(900 * 1024);
      const record = deadLetterRecord(input(payload), topics, 'gw-1', { maxPayloadBytes: 64 * 1024, limits });
      expect(recordMisfit(record, limits)).toBeUndefined();
      const value = parse(record.value);
      const kept = Buffer.from(value.payloadBase64, 'base64');
      expect(kept).toEqual(payload.subarray(0, kept.length));
      expect(value).toMatchObject({
        payloadBytes: payload.length,
        payloadSha256: sha256(payload),
        payloadTruncated: true,
      });
      // Cut only as far as needed: to within a few base64 quanta of the limit, or not at all.
      if (limit > 90_000) expect(kept.length).toBe(64 * 1024);
      else expect(record.value.length).toBeGreaterThan(limit - 300);
    },
  );

  it('returns a record that does not fit when not even an empty payload would, for the batcher to refuse', () => {
    const limits = recordLimits(new Map([[topics.deadLetter, 200]]), {
      fallbackMaxMessageBytes: 1_048_588,
      maxRequestBytes: 1_048_576,
    });
    const record = deadLetterRecord(input(randomBytes(1000)), topics, 'gw-1', {
      maxPayloadBytes: 1024,
      limits,
    });
    expect(parse(record.value).payloadBase64).toBe('');
    expect(recordMisfit(record, limits)).toBeDefined();
  });

  it('still parses dead letters written before payloads were truncated', () => {
    const old = { reason: 'invalid_json: x', source: 'gateway/gw', payloadBase64: 'e30=', at: 1 };
    expect(deadLetterRecordSchema.safeParse(old).success).toBe(true);
    expect(deadLetterRecordSchema.safeParse({ ...old, payloadSha256: 'ABC' }).success).toBe(false);
  });
});
