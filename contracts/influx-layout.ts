// The InfluxDB layout (docs/maintenance.md). The maintenance consumer writes it, the fleet view
// reads it back, and users' dashboards query it: its names are a public interface.

export const MEASUREMENTS = {
  telemetry: 'telemetry',
  deviceHealth: 'device_health',
  alerts: 'alerts',
  deviceState: 'maintenance_state',
} as const;

/** Tag keys; `device` is on every point. */
export const INFLUX_TAGS = {
  device: 'device',
  kind: 'kind',
  severity: 'severity',
} as const;

/** Fields of `device_health` that are not per metric. */
export const HEALTH_FIELDS = {
  health: 'health',
  anomaly: 'anomaly',
  rulHours: 'rul_hours',
  driver: 'driver',
} as const;

/** Fields of `device_health` for one metric, named after it. */
export function metricHealthFields(metric: string): { smoothed: string; trend: string; degradation: string } {
  return { smoothed: `${metric}_smoothed`, trend: `${metric}_trend`, degradation: `${metric}_degradation` };
}

/** Fields of `alerts`. */
export const ALERT_FIELDS = {
  message: 'message',
  score: 'score',
  rulHours: 'rul_hours',
  metric: 'metric',
} as const;

/** The column InfluxDB answers each point's time in. */
export const TIME_COLUMN = 'time';
