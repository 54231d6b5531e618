import { describe, expect, it } from 'vitest';
import {
  DEVICE_ERROR_CODES,
  commandPayloadSchema,
  commandResultPayloadSchema,
  deviceErrorPayloadSchema,
  eventPayloadSchema,
  readingSchema,
  telemetryPayloadSchema,
  telemetryReadings,
} from '../../../contracts/index.js';

const manyMetrics = (n: number): Record<string, number> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`m${i}`, i]));

describe('readingSchema', () => {
  it.each([
    { metrics: { temp: 21.5 } },
    { ts: 0, seq: 0, metrics: { 'vib.rms': -1, rpm_1: 1e9 } },
    { ts: 1_700_000_000_000, metrics: manyMetrics(256) },
  ])('accepts %#', (reading) => {
    expect(readingSchema.safeParse(reading).success).toBe(true);
  });

  it.each([
    ['no metrics', {}],
    ['empty metrics', { metrics: {} }],
    ['257 metrics', { metrics: manyMetrics(257) }],
    ['string value', { metrics: { temp: '21' } }],
    ['null value', { metrics: { temp: null } }],
    ['bad metric name', { metrics: { 'te mp': 1 } }],
    ['long metric name', { metrics: { ['x'.repeat(65)]: 1 } }],
    ['metrics array', { metrics: [1, 2] }],
    ['fractional ts', { ts: 1.5, metrics: { a: 1 } }],
    ['negative ts', { ts: -1, metrics: { a: 1 } }],
    ['ts string', { ts: '1700000000000', metrics: { a: 1 } }],
    ['negative seq', { seq: -1, metrics: { a: 1 } }],
    ['only __proto__ metric', JSON.parse('{"metrics":{"__proto__":1}}') as unknown],
  ])('rejects %s', (_label, reading) => {
    expect(readingSchema.safeParse(reading).success).toBe(false);
  });

  it('strips unknown top-level keys', () => {
    const parsed = readingSchema.parse({ metrics: { a: 1 }, firmware: '1.2' });
    expect(parsed).toEqual({ metrics: { a: 1 } });
  });
});

describe('telemetryPayloadSchema', () => {
  it('accepts one reading or a non-empty array of up to 1000', () => {
    expect(telemetryPayloadSchema.safeParse({ metrics: { a: 1 } }).success).toBe(true);
    expect(telemetryPayloadSchema.safeParse([{ metrics: { a: 1 } }, { metrics: { b: 2 } }]).success).toBe(
      true,
    );
    const max = Array.from({ length: 1000 }, () => ({ metrics: { a: 1 } }));
    expect(telemetryPayloadSchema.safeParse(max).success).toBe(true);
  });

  it('rejects an empty array, more than 1000 readings, and non-objects', () => {
    expect(telemetryPayloadSchema.safeParse([]).success).toBe(false);
    const tooMany = Array.from({ length: 1001 }, () => ({ metrics: { a: 1 } }));
    expect(telemetryPayloadSchema.safeParse(tooMany).success).toBe(false);
    expect(telemetryPayloadSchema.safeParse([{ metrics: { a: 1 } }, { metrics: {} }]).success).toBe(false);
    expect(telemetryPayloadSchema.safeParse(42).success).toBe(false);
    expect(telemetryPayloadSchema.safeParse(null).success).toBe(false);
  });

  it('telemetryReadings always gives an array', () => {
    const one = telemetryPayloadSchema.parse({ metrics: { a: 1 } });
    expect(telemetryReadings(one)).toEqual([{ metrics: { a: 1 } }]);
    const two = telemetryPayloadSchema.parse([{ metrics: { a: 1 } }, { metrics: { b: 2 } }]);
    expect(telemetryReadings(two)).toHaveLength(2);
  });
});

describe('eventPayloadSchema', () => {
  it('accepts minimal and full events', () => {
    expect(eventPayloadSchema.safeParse({ type: 'door-open' }).success).toBe(true);
    const full = { ts: 1, type: 'overheat', severity: 'critical', data: { temp: 99, nested: [1] } };
    expect(eventPayloadSchema.parse(full)).toEqual(full);
  });

  it.each([
    ['missing type', {}],
    ['empty type', { type: '' }],
    ['long type', { type: 'x'.repeat(65) }],
    ['unknown severity', { type: 't', severity: 'fatal' }],
    ['data array', { type: 't', data: [1] }],
    ['data null', { type: 't', data: null }],
  ])('rejects %s', (_label, event) => {
    expect(eventPayloadSchema.safeParse(event).success).toBe(false);
  });
});

describe('commandPayloadSchema', () => {
  const valid = {
    id: '018f6e2c-7f0a-7c3e-9b1d-3c5e8a9d0f11',
    params: { delayMs: 5 },
    expiresAt: 1_700_000_060_000,
  };

  it('accepts a command', () => {
    expect(commandPayloadSchema.parse(valid)).toEqual(valid);
    expect(commandPayloadSchema.safeParse({ ...valid, params: {} }).success).toBe(true);
  });

  it.each([
    ['missing params', { id: 'c1', expiresAt: 1 }],
    ['params array', { ...valid, params: [] }],
    ['empty id', { ...valid, id: '' }],
    ['id with slash', { ...valid, id: 'a/b' }],
    ['fractional expiry', { ...valid, expiresAt: 1.5 }],
  ])('rejects %s', (_label, command) => {
    expect(commandPayloadSchema.safeParse(command).success).toBe(false);
  });
});

describe('commandResultPayloadSchema', () => {
  it.each(['succeeded', 'failed', 'rejected'])('accepts status %s', (status) => {
    expect(commandResultPayloadSchema.safeParse({ id: 'c1', status, detail: 'ok', data: {} }).success).toBe(
      true,
    );
  });

  it.each([
    ['device-only statuses', { id: 'c1', status: 'delivered' }],
    ['missing id', { status: 'failed' }],
    ['long detail', { id: 'c1', status: 'failed', detail: 'x'.repeat(1025) }],
    ['data string', { id: 'c1', status: 'failed', data: 'x' }],
  ])('rejects %s', (_label, result) => {
    expect(commandResultPayloadSchema.safeParse(result).success).toBe(false);
  });
});

describe('deviceErrorPayloadSchema', () => {
  it('accepts every listed code', () => {
    for (const code of DEVICE_ERROR_CODES) {
      expect(deviceErrorPayloadSchema.safeParse({ code, message: 'm', topic: 'devices/d1/x' }).success).toBe(
        true,
      );
    }
  });

  it('rejects an unlisted code and missing fields', () => {
    expect(deviceErrorPayloadSchema.safeParse({ code: 'oops', message: 'm', topic: 't' }).success).toBe(
      false,
    );
    expect(deviceErrorPayloadSchema.safeParse({ code: 'invalid_json', message: 'm' }).success).toBe(false);
  });

  it('includes the codes the gateway relies on', () => {
    expect(DEVICE_ERROR_CODES).toEqual(
      expect.arrayContaining([
        'invalid_json',
        'invalid_payload',
        'payload_too_large',
        'topic_not_allowed',
        'unknown_topic',
        'unknown_command',
      ]),
    );
  });
});
