import { describe, expect, it } from 'vitest';
import { HEALTH_FIELDS, MEASUREMENTS, metricHealthFields } from '../../../contracts/index.js';

// The names users' dashboards query: a change here is a breaking change, so they are spelt out.
describe('InfluxDB layout', () => {
  it('names the measurements and health fields as docs/maintenance.md does', () => {
    expect(MEASUREMENTS).toEqual({
      telemetry: 'telemetry',
      deviceHealth: 'device_health',
      alerts: 'alerts',
      deviceState: 'maintenance_state',
    });
    expect(HEALTH_FIELDS).toEqual({
      health: 'health',
      anomaly: 'anomaly',
      rulHours: 'rul_hours',
      driver: 'driver',
    });
    expect(metricHealthFields('flow_m3h')).toEqual({
      smoothed: 'flow_m3h_smoothed',
      trend: 'flow_m3h_trend',
      degradation: 'flow_m3h_degradation',
    });
  });
});
