import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DEFAULT_JSON_LIMITS,
  commandPayloadSchema,
  commandResultPayloadSchema,
  decodeJson,
  deviceRegistryRecordSchema,
  eventPayloadSchema,
  eventRecordSchema,
  jsonObjectSchema,
  telemetryPayloadSchema,
  type DecodeResult,
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

const DEEP = 20_000;

function decodeSafely<T>(schema: z.ZodType<T>, text: string, limits = DEFAULT_JSON_LIMITS): DecodeResult<T> {
  let result: DecodeResult<T> | undefined;
  expect(() => (result = decodeJson(schema, text, limits))).not.toThrow();
  if (result === undefined) throw new Error('decodeJson returned nothing');
  return result;
}

describe('decodeJson with JSON limits', () => {
  it.each([
    ['arrays', '['.repeat(DEEP) + ']'.repeat(DEEP)],
    ['objects', '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP)],
  ])('refuses event data nested 20,000 deep in %s before parsing it', (_label, deep) => {
    const result = decodeSafely(eventPayloadSchema, `{"type":"x","data":{"v":${deep}}}`);
    expect(result).toEqual({
      ok: false,
      code: 'invalid_payload',
      reason: expect.stringMatching(
        /^data\.v(\[0\]|\.a)+: nested deeper than 16 levels \(maxDepth\)$/,
      ) as string,
    });
  });

  it('refuses a megabyte of nested brackets', () => {
    const result = decodeSafely(eventPayloadSchema, '['.repeat(512 * 1024) + ']'.repeat(512 * 1024));
    expect(result).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(!result.ok && result.reason).toMatch(/\(maxDepth\)$/);
  });

  it('refuses a megabyte of unbalanced brackets too, whichever check sees it first', () => {
    const result = decodeSafely(eventPayloadSchema, '['.repeat(1024 * 1024));
    expect(result).toMatchObject({ ok: false, code: 'invalid_payload' });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const data = { note: '[[[['.repeat(4000), quoted: '\\"[[[[{{{{'.repeat(100) };
    const result = decodeSafely(eventPayloadSchema, JSON.stringify({ type: 'x', data }));
    expect(result).toEqual({ ok: true, value: { type: 'x', data } });
  });

  it('accepts data at the limits and refuses it just over each one', () => {
    const tight = { maxDepth: 4, maxNodes: 50, maxArrayLength: 5, maxStringLength: 10, maxKeyLength: 8 };
    const event = (data: unknown) => JSON.stringify({ type: 'x', data });
    // The root, "x" and data itself are three values before those inside data.
    const cases: [string, unknown, unknown, string][] = [
      ['maxDepth', { a: { b: [1] } }, { a: { b: [[1]] } }, 'data.a.b[0]'],
      ['maxArrayLength', { a: [1, 2, 3, 4, 5] }, { a: [1, 2, 3, 4, 5, 6] }, 'data.a'],
      ['maxStringLength', { s: 'x'.repeat(10) }, { s: 'x'.repeat(11) }, 'data.s'],
      ['maxKeyLength', { ['k'.repeat(8)]: 1 }, { ['k'.repeat(9)]: 1 }, `data.${'k'.repeat(9)}`],
      [
        'maxNodes',
        Object.fromEntries(Array.from({ length: 47 }, (_, i) => [`k${i}`, i])),
        Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, i])),
        'data',
      ],
    ];
    for (const [limit, atLimit, overLimit, path] of cases) {
      expect(decodeSafely(eventPayloadSchema, event(atLimit), tight)).toMatchObject({ ok: true });
      const result = decodeSafely(eventPayloadSchema, event(overLimit), tight);
      expect(result).toMatchObject({ ok: false, code: 'invalid_payload' });
      expect(!result.ok && result.reason).toMatch(
        new RegExp(`^${path.replace(/[[\].]/g, '\\$&')}: .*\\(${limit}\\)$`),
      );
    }
  });

  it('uses the default limits when none are given', () => {
    const long = JSON.stringify({
      type: 'x',
      data: { s: 'x'.repeat(DEFAULT_JSON_LIMITS.maxStringLength + 1) },
    });
    expect(decodeJson(eventPayloadSchema, long)).toMatchObject({ ok: false, code: 'invalid_payload' });
  });

  it('refuses deep or huge command params and registry attributes as read from Kafka', () => {
    const deepParams = `{"id":"c1","params":{"p":${'['.repeat(DEEP)}${']'.repeat(DEEP)}},"expiresAt":1}`;
    expect(decodeSafely(commandPayloadSchema, deepParams)).toMatchObject({
      ok: false,
      code: 'invalid_payload',
    });
    const wide = Object.fromEntries(
      Array.from({ length: DEFAULT_JSON_LIMITS.maxNodes }, (_, i) => [`a${i}`, i]),
    );
    const record = {
      deviceId: 'd1',
      secretHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
      createdAt: 1,
      attributes: wide,
    };
    const result = decodeSafely(deviceRegistryRecordSchema, JSON.stringify(record));
    expect(!result.ok && result.reason).toMatch(/\(maxNodes\)$/);
  });
});

describe('prototype keys', () => {
  it.each([
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__proto__',
    'prototype',
    '__defineGetter__',
  ])('refuses %s as a metric name with a clear reason', (name) => {
    const result = decodeSafely(telemetryPayloadSchema, `{"metrics":{"temp":1,"${name}":2}}`);
    expect(result).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(!result.ok && result.reason).toMatch(
      new RegExp(`^metrics\\.${name}: (metric name must not be __proto__, prototype|the key "__proto__")`),
    );
  });

  it('refuses __proto__ anywhere in free-form data, params and attributes', () => {
    const texts: [z.ZodType, string][] = [
      [eventPayloadSchema, '{"type":"x","data":{"__proto__":{"admin":true}}}'],
      [eventPayloadSchema, '{"type":"x","data":{"list":[{"__proto__":{"admin":true}}]}}'],
      [commandResultPayloadSchema, '{"id":"c1","status":"succeeded","data":{"a":{"__proto__":null}}}'],
      [commandPayloadSchema, '{"id":"c1","params":{"__proto__":{"x":1}},"expiresAt":1}'],
      [
        deviceRegistryRecordSchema,
        '{"deviceId":"d1","secretHash":"scrypt$1$1$1$c2FsdA==$aGFzaA==","createdAt":1,"attributes":{"__proto__":{}}}',
      ],
      [eventPayloadSchema, '{"__proto__":{"type":"x"},"type":"y"}'],
    ];
    for (const [schema, text] of texts) {
      const result = decodeSafely(schema, text);
      expect(result).toMatchObject({ ok: false, code: 'invalid_payload' });
      expect(!result.ok && result.reason).toMatch(/__proto__: the key "__proto__" is not allowed$/);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('keeps constructor and prototype keys in data as own properties, never as a prototype', () => {
    const text =
      '{"type":"x","data":{"constructor":{"prototype":{"polluted":1}},"prototype":{"polluted":2}}}';
    const result = decodeSafely(eventPayloadSchema, text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const data = result.value.data ?? {};
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['constructor', 'prototype']);
    expect(JSON.parse(JSON.stringify(result.value))).toEqual(JSON.parse(text));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.constructor).toBe(Object);
  });

  // What zod 4 does on its own, without our limits: if an upgrade changes it, this says so.
  it("documents zod's own handling of __proto__ in z.record", () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":1},"a":{"__proto__":{"polluted":2}}}') as object;
    expect(Object.keys(parsed)).toEqual(['__proto__', 'a']);
    const out = jsonObjectSchema.parse(parsed);
    // Dropped silently at the top of the record, kept inside unknown values, prototype untouched.
    expect(Object.keys(out)).toEqual(['a']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out.a as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out.a)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
