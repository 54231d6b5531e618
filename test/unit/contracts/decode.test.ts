import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeJson,
  eventPayloadSchema,
  eventRecordSchema,
  telemetryPayloadSchema,
} from '../../../contracts/index.js';

describe('decodeJson', () => {
  it('decodes valid JSON from a buffer or a string', () => {
    const payload = { metrics: { temp: 21 } };
    expect(decodeJson(telemetryPayloadSchema, Buffer.from(JSON.stringify(payload)))).toEqual({
      ok: true,
      value: payload,
    });
    expect(decodeJson(telemetryPayloadSchema, JSON.stringify([payload]))).toEqual({
      ok: true,
      value: [payload],
    });
  });

  it('returns the schema output, with defaults applied', () => {
    const result = decodeJson(eventRecordSchema, '{"deviceId":"d1","ts":1,"receivedAt":2,"type":"boot"}');
    expect(result.ok && result.value.severity).toBe('info');
  });

  it.each([
    ['empty', ''],
    ['whitespace', '  \n'],
    ['truncated', '{"metrics":'],
    ['not JSON', 'temp=21'],
  ])('reports invalid_json for %s input', (_label, text) => {
    const result = decodeJson(telemetryPayloadSchema, Buffer.from(text));
    expect(result).toMatchObject({ ok: false, code: 'invalid_json' });
  });

  it('reports invalid_json for bytes that are not UTF-8', () => {
    const result = decodeJson(telemetryPayloadSchema, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    expect(result).toEqual({ ok: false, code: 'invalid_json', reason: 'payload is not valid UTF-8' });
  });

  it('reports invalid_payload with the path and message of the problem', () => {
    const result = decodeJson(telemetryPayloadSchema, '{"metrics":{"temp":"hot"}}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe('invalid_payload');
    expect(result.reason).toMatch(/^metrics\.temp: .*expected number/);
  });

  it('points into the array branch of a union when the sender sent an array', () => {
    const result = decodeJson(telemetryPayloadSchema, '[{"metrics":{"a":1}},{"metrics":{"b":"x"}}]');
    expect(!result.ok && result.reason).toMatch(/^\[1\]\.metrics\.b: /);
  });

  it('summarizes several issues in at most ~300 characters', () => {
    const result = decodeJson(
      eventPayloadSchema,
      JSON.stringify({ type: 'x'.repeat(500), severity: 'y'.repeat(500), ts: -1 }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason.length).toBeLessThanOrEqual(300);
    expect(result.reason).toContain('ts');
  });

  it('never throws for arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const result = decodeJson(telemetryPayloadSchema, Buffer.from(bytes));
        if (!result.ok) expect(result.reason.length).toBeLessThanOrEqual(300);
      }),
    );
  });

  it('never throws for arbitrary strings and JSON values', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const result = decodeJson(eventPayloadSchema, text);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
    );
  });

  it('turns a throwing schema into invalid_payload instead of throwing', async () => {
    const { z } = await import('zod');
    const throwing = z.unknown().transform(() => {
      throw new Error('boom');
    });
    expect(decodeJson(throwing, '{}')).toEqual({
      ok: false,
      code: 'invalid_payload',
      reason: 'validation failed: boom',
    });
  });
});
