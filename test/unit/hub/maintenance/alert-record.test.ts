import { describe, expect, it } from 'vitest';
import { alertRecordSchema } from '../../../../contracts/index.js';
import { alertRecordOf } from '../../../../hub/maintenance/alert-record.js';
import type { Assessment } from '../../../../hub/maintenance/detector/device-state.js';

const base: Assessment = {
  deviceId: 'motor-7',
  machineType: 'motor',
  atMs: 1_700_000_000_000,
  health: 0.8,
  anomaly: 4,
  rulHours: 11.234,
  driver: 'vibration_rms_mm_s',
  running: true,
  learning: false,
  metrics: {},
  alert: { severity: 'warning', openedAtMs: 1_700_000_000_000 },
  change: { type: 'opened', severity: 'warning' },
};

describe('alertRecordOf', () => {
  it('carries the device time, the driving metric, the score and the remaining useful life', () => {
    const alert = alertRecordOf(base);
    expect(alertRecordSchema.parse(alert)).toEqual(alert);
    expect(alert).toMatchObject({
      deviceId: 'motor-7',
      at: base.atMs,
      kind: 'degradation',
      severity: 'warning',
      metric: 'vibration_rms_mm_s',
      score: 0.2,
      rulHours: 11.23,
    });
  });

  it('reports escalation as critical and a clear as info, and nothing when the alert did not change', () => {
    expect(alertRecordOf({ ...base, change: { type: 'escalated', severity: 'critical' } })?.severity).toBe(
      'critical',
    );
    expect(
      alertRecordOf({ ...base, rulHours: null, change: { type: 'cleared', severity: 'warning' } }),
    ).toMatchObject({
      severity: 'info',
      message: expect.stringMatching(/^warning cleared/) as string,
    });
    expect(alertRecordOf({ ...base, change: null })).toBeNull();
  });
});
