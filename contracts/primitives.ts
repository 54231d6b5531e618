import { z } from 'zod';

// 8.64e15 ms is the largest instant a JavaScript Date can represent.
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

/** Milliseconds since the Unix epoch. */
export const timestampMsSchema = z.int().min(0).max(MAX_TIMESTAMP_MS);

export const sequenceSchema = z.int().min(0);

/** A JSON object (not an array, not null), contents unchecked. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
export type JsonObject = z.infer<typeof jsonObjectSchema>;

export const METRIC_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
export const MAX_METRICS_PER_READING = 256;

// Metric names become property keys downstream (`metrics[name]`, per-metric state); a name every
// object inherits, such as `constructor`, would read an inherited function where no metric is.
const RESERVED_METRIC_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  '__proto__',
  'prototype',
  'constructor',
]);

const METRIC_NAME_MESSAGE = 'metric name must match ^[A-Za-z0-9_.-]{1,64}$';
const METRICS_COUNT_MESSAGE = `metrics must have 1 to ${MAX_METRICS_PER_READING} entries`;
const RESERVED_NAME_MESSAGE =
  'metric name must not be __proto__, prototype or a property name of Object.prototype such as constructor or toString';

export const metricNameSchema = z
  .string()
  .regex(METRIC_NAME_PATTERN, METRIC_NAME_MESSAGE)
  .refine((name) => !RESERVED_METRIC_NAMES.has(name), RESERVED_NAME_MESSAGE);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Metric name to finite number, 1 to MAX_METRICS_PER_READING of them. The rules are those of
 * `metricNameSchema` and `z.number()`, checked in one pass over the keys: every telemetry message
 * and record goes through this, and `z.record` with a refined key schema cost about six times as
 * much per reading (profiled on the gateway's hot path).
 */
export const metricsSchema = z
  .custom<Record<string, number>>(isPlainObject, {
    error: (issue) =>
      `Invalid input: expected object, received ${issue.input === null ? 'null' : typeof issue.input}`,
  })
  .check((ctx) => {
    const metrics = ctx.value;
    let count = 0;
    for (const name in metrics) {
      if (!Object.hasOwn(metrics, name)) continue;
      count++;
      const value = metrics[name];
      if (!METRIC_NAME_PATTERN.test(name)) {
        ctx.issues.push({ code: 'custom', input: name, path: [name], message: METRIC_NAME_MESSAGE });
      } else if (RESERVED_METRIC_NAMES.has(name)) {
        ctx.issues.push({ code: 'custom', input: name, path: [name], message: RESERVED_NAME_MESSAGE });
      } else if (typeof value !== 'number' || !Number.isFinite(value)) {
        const received = typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
        ctx.issues.push({
          code: 'custom',
          input: value,
          path: [name],
          message: `Invalid input: expected number, received ${received}`,
        });
      }
    }
    if (count < 1 || count > MAX_METRICS_PER_READING)
      ctx.issues.push({ code: 'custom', input: metrics, message: METRICS_COUNT_MESSAGE });
  });
export type Metrics = z.infer<typeof metricsSchema>;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;
