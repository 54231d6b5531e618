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

export const metricNameSchema = z
  .string()
  .regex(METRIC_NAME_PATTERN, 'metric name must match ^[A-Za-z0-9_.-]{1,64}$')
  .refine(
    (name) => !RESERVED_METRIC_NAMES.has(name),
    'metric name must not be __proto__, prototype or a property name of Object.prototype such as constructor or toString',
  );

// Counted after parsing, so a key zod drops (such as `__proto__`) cannot satisfy the minimum.
export const metricsSchema = z.record(metricNameSchema, z.number()).refine((m) => {
  const n = Object.keys(m).length;
  return n >= 1 && n <= MAX_METRICS_PER_READING;
}, `metrics must have 1 to ${MAX_METRICS_PER_READING} entries`);
export type Metrics = z.infer<typeof metricsSchema>;

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;
