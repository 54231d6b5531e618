import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_METRICS_PER_READING, metricNameSchema, metricsSchema } from '../../../contracts/primitives.js';

// The rules metricsSchema checks in one pass, written the obvious way: what it must agree with.
const reference = z.record(metricNameSchema, z.number()).refine((m) => {
  const n = Object.keys(m).length;
  return n >= 1 && n <= MAX_METRICS_PER_READING;
});

const metricName = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
  fc.constantFrom('toString', 'constructor', 'prototype', 'valueOf', '', 'a b', 'x'.repeat(65), 'é'),
  fc.string({ maxLength: 70 }),
);
const metricValue = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(Infinity, -Infinity, NaN, null, '1', true, [], {}),
);

describe('metricsSchema', () => {
  it('accepts and refuses exactly what z.record(metricNameSchema, z.number()) with the count rule does', () => {
    fc.assert(
      fc.property(fc.dictionary(metricName, metricValue, { maxKeys: 6 }), (metrics) => {
        const fast = metricsSchema.safeParse(metrics);
        expect(fast.success).toBe(reference.safeParse(metrics).success);
        if (fast.success) expect(fast.data).toEqual(metrics);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses what is not an object, and counts entries', () => {
    for (const value of [null, [], 1, 'x', undefined]) {
      expect(metricsSchema.safeParse(value).success).toBe(false);
      expect(reference.safeParse(value).success).toBe(false);
    }
    const many = Object.fromEntries(
      Array.from({ length: MAX_METRICS_PER_READING + 1 }, (_, i) => [`m${i}`, i]),
    );
    expect(metricsSchema.safeParse(many).success).toBe(false);
    delete many[`m${MAX_METRICS_PER_READING}`];
    expect(metricsSchema.safeParse(many).success).toBe(true);
  });

  it('names the metric at fault and why', () => {
    const result = metricsSchema.safeParse({ ok: 1, temp: 'hot', 'bad name': 2, toString: 3 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['temp', 'Invalid input: expected number, received string'],
      ['bad name', 'metric name must match ^[A-Za-z0-9_.-]{1,64}$'],
      ['toString', expect.stringMatching(/^metric name must not be __proto__/) as string],
    ]);
  });
});
