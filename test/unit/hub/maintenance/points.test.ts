import { describe, expect, it } from 'vitest';
import type { Assessment } from '../../../../hub/maintenance/detector/device-state.js';
import { alertPoint, healthPoint, telemetryPoint } from '../../../../hub/maintenance/points.js';

describe('InfluxDB points', () => {
  it('stamps telemetry with device time, one field per metric, tagged by device', () => {
    expect(
      telemetryPoint({ deviceId: 'p-1', ts: 42, receivedAt: 50, metrics: { flow_m3h: 3, pressure_bar: 4 } }),
    ).toEqual({
      measurement: 'telemetry',
      tags: { device: 'p-1' },
      fields: { flow_m3h: 3, pressure_bar: 4 },
      timestamp: 42,
    });
  });

  it('writes health with per-metric smoothed value and trend, leaving out what is unknown or not finite', () => {
    const a = {
      deviceId: 'p-1',
      atMs: 42,
      health: 0.9,
      anomaly: 1.5,
      rulHours: null,
      driver: 'pressure_bar',
      metrics: {
        pressure_bar: { smoothed: 4, trendPerHour: -0.1, degradation: 0.1 },
        flow_m3h: { smoothed: 3, trendPerHour: Number.NaN },
      },
    } as unknown as Assessment;
    expect(healthPoint(a)).toEqual({
      measurement: 'device_health',
      tags: { device: 'p-1' },
      timestamp: 42,
      fields: {
        health: 0.9,
        anomaly: 1.5,
        driver: 'pressure_bar',
        pressure_bar_smoothed: 4,
        pressure_bar_trend: -0.1,
        pressure_bar_degradation: 0.1,
        flow_m3h_smoothed: 3,
      },
    });
  });

  it('tags alerts by device, kind and severity', () => {
    expect(
      alertPoint({
        deviceId: 'p-1',
        at: 42,
        kind: 'degradation',
        severity: 'critical',
        score: 0.6,
        message: 'm',
        rulHours: 3,
      }),
    ).toEqual({
      measurement: 'alerts',
      tags: { device: 'p-1', kind: 'degradation', severity: 'critical' },
      fields: { message: 'm', score: 0.6, rul_hours: 3 },
      timestamp: 42,
    });
  });
});
