import { z } from 'zod';
import { deviceIdSchema } from './device-id.js';
import { devicePath } from './http-devices.js';
import { metricNameSchema, timestampMsSchema } from './primitives.js';

// GET /api/devices/{id}/history: the console's device view's last hour, from InfluxDB.

export const deviceHistoryPath = (deviceId: string): string => `${devicePath(deviceId)}/history`;

/** `?since=&metric=`: since when (device time), and one metric or all of them. */
export const historyQuerySchema = z.strictObject({
  since: z
    .string()
    .regex(/^\d{1,16}$/, 'must be epoch milliseconds')
    .transform(Number)
    .pipe(timestampMsSchema)
    .optional(),
  metric: metricNameSchema.optional(),
});
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

/** Most points per series in a history answer; a longer window is averaged into wider buckets. */
export const MAX_HISTORY_POINTS = 720;

const seriesValues = z.array(z.number().nullable());

export const deviceHistorySchema = z.object({
  deviceId: deviceIdSchema,
  /** Device time, inclusive. */
  since: timestampMsSchema,
  until: timestampMsSchema,
  /** Width of the averaging buckets; each time is the start of its bucket. */
  bucketMs: z.int().min(1),
  telemetry: z.object({
    times: z.array(timestampMsSchema),
    metrics: z.record(metricNameSchema, seriesValues),
  }),
  health: z.object({
    times: z.array(timestampMsSchema),
    health: seriesValues,
    rulHours: seriesValues,
  }),
});
export type DeviceHistory = z.infer<typeof deviceHistorySchema>;
