/** Measurement names of the InfluxDB layout in docs/maintenance.md. */
export const MEASUREMENTS = {
  telemetry: 'telemetry',
  deviceHealth: 'device_health',
  alerts: 'alerts',
  deviceState: 'maintenance_state',
} as const;

/** Where device state snapshots live: an infinite policy, apart from the time series. */
export const STATE_RETENTION_POLICY = 'maintenance_state';
