import { describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../../../device-sim/index.js';
import { quantile, score, type DeviceOutcome } from '../../../../tools/maintenance-eval/score.js';

const H = 3_600_000;
const START = 0;
const END = 10 * 24 * H;

const healthy = (id: string): GroundTruth => ({
  deviceId: id,
  machineType: 'pump',
  failureMode: null,
  onsetMs: null,
  failureMs: null,
});
const failing = (id: string, onsetH: number, windowH: number): GroundTruth => ({
  deviceId: id,
  machineType: 'motor',
  failureMode: 'bearing_wear',
  onsetMs: onsetH * H,
  failureMs: (onsetH + windowH) * H,
});

describe('evaluation scoring', () => {
  it('counts true and false alerts, recall, lead time and RUL at half-way', () => {
    const outcomes: DeviceOutcome[] = [
      // Alerted 15 h before a failure with a 20 h window; RUL at half-way 10.5 h against 10 h.
      { truth: failing('a', 100, 20), alertsOpenedMs: [105 * H], rul: [{ atMs: 110 * H, hours: 10.5 }] },
      // Alerted 2 h before failure (and again after it); RUL 16 h against 10 h, outside ±20%.
      { truth: failing('b', 50, 20), alertsOpenedMs: [68 * H, 80 * H], rul: [{ atMs: 60 * H, hours: 16 }] },
      // Never alerted.
      { truth: failing('c', 30, 10), alertsOpenedMs: [], rul: [] },
      // A false alarm on a healthy device; one before onset, then a true one 5 h before failure.
      { truth: healthy('d'), alertsOpenedMs: [24 * H], rul: [] },
      { truth: failing('e', 200, 10), alertsOpenedMs: [10 * H, 205 * H], rul: [] },
    ];
    const f = score(outcomes, START, END);
    expect(f).toMatchObject({
      failures: 4,
      detected: 3,
      recall: 0.75,
      alerts: { true: 3, false: 2, afterFailure: 1 },
      precision: 0.6,
    });
    expect(f.leadTimeHours.median).toBe(5);
    expect(f.rul.within20PctAtHalf).toBe(0.25);
    expect(f.rul.estimatesAtHalf).toBe(2);
    // Healthy time: d for 10 days, the others until onset.
    expect(f.healthyDeviceDays).toBeCloseTo((240 + 100 + 50 + 30 + 200) / 24, 1);
    expect(f.falseAlarmsPerHealthyDeviceDay).toBeCloseTo(2 / ((240 + 100 + 50 + 30 + 200) / 24), 3);
  });

  it('interpolates quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([], 0.5)).toBeNull();
  });
});
