import { escape } from 'influx';
import { z } from 'zod';
import { AppError } from '../../common/errors.js';
import {
  HEALTH_FIELDS,
  INFLUX_TAGS,
  MAX_HISTORY_POINTS,
  MEASUREMENTS,
  TIME_COLUMN,
  type DeviceHistory,
} from '../../contracts/index.js';
import type { HealthPoint } from './fleet-state.js';

// Pure: the InfluxQL the fleet view sends and what it makes of the answers (`epoch=ms`).

const DEVICE_TAG = escape.quoted(INFLUX_TAGS.device);
const HEALTH = escape.quoted(HEALTH_FIELDS.health);
const RUL_HOURS = escape.quoted(HEALTH_FIELDS.rulHours);

/**
 * The newest device_health point of every device, whole: `last(health), last(rul_hours)` would
 * pair the latest health with an older RUL when the newest point has none (RUL unknown).
 */
export const LATEST_HEALTH_QUERY =
  `SELECT ${HEALTH}, ${RUL_HOURS} FROM ${escape.quoted(MEASUREMENTS.deviceHealth)} ` +
  `GROUP BY ${DEVICE_TAG} ORDER BY time DESC LIMIT 1`;

export interface HistoryWindow {
  deviceId: string;
  since: number;
  until: number;
  bucketMs: number;
  /** One metric, or all of them. */
  metric?: string;
}

export const HOUR_MS = 3_600_000;
/** Device clocks (and the simulator's sped-up time) may run ahead of the hub's. */
const UNTIL_SLACK_MS = 60_000;

/**
 * The window of a history request, in device time: by default the hour before the device's
 * latest reading (or before now), up to now or that reading; buckets wide enough to stay within
 * MAX_HISTORY_POINTS, in whole seconds.
 */
export function historyWindow(
  request: { deviceId: string; since?: number; metric?: string },
  now: number,
  latestTs: number | undefined,
): HistoryWindow {
  const end = Math.max(now, latestTs ?? now);
  const until = end + UNTIL_SLACK_MS;
  const since = request.since ?? (latestTs ?? now) - HOUR_MS;
  const bucketMs = Math.max(1000, Math.ceil((until - since) / MAX_HISTORY_POINTS / 1000) * 1000);
  return {
    deviceId: request.deviceId,
    since,
    until,
    bucketMs,
    ...(request.metric === undefined ? {} : { metric: request.metric }),
  };
}

/**
 * Telemetry averaged per bucket, and health and RUL. Two requests rather than one of two
 * statements: InfluxDB answers a multi-statement query on a missing database with "not executed".
 */
export function historyQueries(w: HistoryWindow): { telemetry: string; health: string } {
  const where =
    `WHERE ${DEVICE_TAG} = ${escape.stringLit(w.deviceId)} AND time >= ${Math.floor(w.since)}ms ` +
    `AND time <= ${Math.ceil(w.until)}ms GROUP BY time(${w.bucketMs}ms) fill(none)`;
  const fields =
    w.metric === undefined ? 'mean(*)' : `mean(${escape.quoted(w.metric)}) AS ${escape.quoted(w.metric)}`;
  return {
    telemetry: `SELECT ${fields} FROM ${escape.quoted(MEASUREMENTS.telemetry)} ${where}`,
    health:
      `SELECT mean(${HEALTH}) AS ${HEALTH}, mean(${RUL_HOURS}) AS ${RUL_HOURS} ` +
      `FROM ${escape.quoted(MEASUREMENTS.deviceHealth)} ${where}`,
  };
}

const seriesSchema = z.object({
  tags: z.record(z.string(), z.string()).optional(),
  columns: z.array(z.string()),
  values: z.array(z.array(z.unknown())).default([]),
});
type Series = z.infer<typeof seriesSchema>;

export const rawResponseSchema = z.object({
  results: z.array(z.object({ series: z.array(seriesSchema).default([]), error: z.string().optional() })),
});
export type RawResponse = z.infer<typeof rawResponseSchema>;

export class InfluxQueryError extends AppError<'query_failed'> {
  override readonly name = 'InfluxQueryError';

  constructor(message: string) {
    super('query_failed', message, { retriable: false });
  }
}

/** The series of a one-statement answer; a database that does not exist yet holds none. */
export function seriesOf(response: RawResponse): Series[] {
  const result = response.results[0];
  if (result === undefined) return [];
  if (result.error === undefined) return result.series;
  if (/database not found/.test(result.error)) return [];
  throw new InfluxQueryError(result.error);
}

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

export function healthPointsOf(response: RawResponse): HealthPoint[] {
  const points: HealthPoint[] = [];
  for (const series of seriesOf(response)) {
    const deviceId = series.tags?.[INFLUX_TAGS.device];
    const row = series.values[0];
    if (deviceId === undefined || row === undefined) continue;
    const column = (name: string): number | null => finite(row[series.columns.indexOf(name)]);
    const at = column(TIME_COLUMN);
    const health = column(HEALTH_FIELDS.health);
    if (at === null || health === null) continue;
    const rulHours = column(HEALTH_FIELDS.rulHours);
    points.push({
      deviceId,
      at,
      health: Math.min(1, Math.max(0, health)),
      ...(rulHours === null || rulHours < 0 ? {} : { rulHours }),
    });
  }
  return points;
}

function columns(
  series: Series | undefined,
  rename: (column: string) => string,
): Map<string, (number | null)[]> {
  const out = new Map<string, (number | null)[]>();
  if (series === undefined) return out;
  series.columns.forEach((name, i) =>
    out.set(
      rename(name),
      series.values.map((row) => finite(row[i])),
    ),
  );
  return out;
}

export function historyOf(
  answers: { telemetry: RawResponse; health: RawResponse },
  w: HistoryWindow,
): DeviceHistory {
  const metrics = columns(seriesOf(answers.telemetry)[0], (name) => name.replace(/^mean_/, ''));
  const healthColumns = columns(seriesOf(answers.health)[0], (name) => name);
  const times = (m: Map<string, (number | null)[]>): number[] =>
    (m.get(TIME_COLUMN) ?? []).map((t) => t ?? 0);
  const telemetryTimes = times(metrics);
  metrics.delete(TIME_COLUMN);
  // mean(*) has a column for every field of the measurement, other devices' metrics included.
  for (const [name, values] of metrics) if (values.every((v) => v === null)) metrics.delete(name);
  return {
    deviceId: w.deviceId,
    since: w.since,
    until: w.until,
    bucketMs: w.bucketMs,
    telemetry: { times: telemetryTimes, metrics: Object.fromEntries(metrics) },
    health: {
      times: times(healthColumns),
      health: healthColumns.get(HEALTH_FIELDS.health) ?? [],
      rulHours: healthColumns.get(HEALTH_FIELDS.rulHours) ?? [],
    },
  };
}
