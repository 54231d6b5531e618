import type { IPoint } from 'influx';
import {
  ALERT_FIELDS,
  HEALTH_FIELDS,
  INFLUX_TAGS,
  MEASUREMENTS,
  metricHealthFields,
  type AlertRecord,
  type TelemetryRecord,
} from '../../contracts/index.js';
import type { Assessment } from './detector/device-state.js';

// Timestamps are device time in ms: the point (measurement, device, time) identifies a sample,
// so replaying Kafka rewrites the same points instead of adding new ones.

export function telemetryPoint(r: TelemetryRecord): IPoint {
  return {
    measurement: MEASUREMENTS.telemetry,
    tags: { [INFLUX_TAGS.device]: r.deviceId },
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
  put(HEALTH_FIELDS.health, a.health);
  put(HEALTH_FIELDS.anomaly, a.anomaly);
  put(HEALTH_FIELDS.rulHours, a.rulHours);
  if (a.driver !== null) fields[HEALTH_FIELDS.driver] = a.driver;
  for (const [metric, m] of Object.entries(a.metrics)) {
    const names = metricHealthFields(metric);
    put(names.smoothed, m.smoothed);
    put(names.trend, m.trendPerHour);
    put(names.degradation, m.degradation);
  }
  return {
    measurement: MEASUREMENTS.deviceHealth,
    tags: { [INFLUX_TAGS.device]: a.deviceId },
    fields,
    timestamp: a.atMs,
  };
}

export function alertPoint(a: AlertRecord): IPoint {
  const fields: Record<string, number | string> = {
    [ALERT_FIELDS.message]: a.message,
    [ALERT_FIELDS.score]: a.score,
  };
  if (a.rulHours !== undefined) fields[ALERT_FIELDS.rulHours] = a.rulHours;
  if (a.metric !== undefined) fields[ALERT_FIELDS.metric] = a.metric;
  return {
    measurement: MEASUREMENTS.alerts,
    tags: {
      [INFLUX_TAGS.device]: a.deviceId,
      [INFLUX_TAGS.kind]: a.kind,
      [INFLUX_TAGS.severity]: a.severity,
    },
    fields,
    timestamp: a.at,
  };
}
