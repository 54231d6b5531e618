import type { IPoint } from 'influx';
import type { AlertRecord, TelemetryRecord } from '../../contracts/index.js';
import { MEASUREMENTS } from '../influx/measurements.js';
import type { Assessment } from './detector/device-state.js';

// Timestamps are device time in ms: the point (measurement, device, time) identifies a sample,
// so replaying Kafka rewrites the same points instead of adding new ones.

export function telemetryPoint(r: TelemetryRecord): IPoint {
  return {
    measurement: MEASUREMENTS.telemetry,
    tags: { device: r.deviceId },
    fields: { ...r.metrics },
    timestamp: r.ts,
  };
}

export function healthPoint(a: Assessment): IPoint {
  const fields: Record<string, number | string> = {};
  // Line protocol has no NaN or Infinity; a field that is not finite is left out.
  const put = (name: string, value: number | null | undefined): void => {
    if (value !== null && value !== undefined && Number.isFinite(value)) fields[name] = value;
  };
  put('health', a.health);
  put('anomaly', a.anomaly);
  put('rul_hours', a.rulHours);
  if (a.driver !== null) fields.driver = a.driver;
  for (const [metric, m] of Object.entries(a.metrics)) {
    put(`${metric}_smoothed`, m.smoothed);
    put(`${metric}_trend`, m.trendPerHour);
    put(`${metric}_degradation`, m.degradation);
  }
  return { measurement: MEASUREMENTS.deviceHealth, tags: { device: a.deviceId }, fields, timestamp: a.atMs };
}

export function alertPoint(a: AlertRecord): IPoint {
  const fields: Record<string, number | string> = { message: a.message, score: a.score };
  if (a.rulHours !== undefined) fields.rul_hours = a.rulHours;
  if (a.metric !== undefined) fields.metric = a.metric;
  return {
    measurement: MEASUREMENTS.alerts,
    tags: { device: a.deviceId, kind: a.kind, severity: a.severity },
    fields,
    timestamp: a.at,
  };
}
