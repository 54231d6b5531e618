import { describe, expect, it } from 'vitest';
import { cusumCreate, cusumUpdate, type CusumParams } from '../../../../../hub/maintenance/detector/cusum.js';
import { HOUR, MINUTE, T0, gaussian } from './series.js';

const P: CusumParams = { k: 1, h: 3, cap: 12 };
const STEP = 10 * MINUTE;

/** Feeds z-scores every 10 minutes; returns the device time of the first alarm, or null. */
function firstAlarm(z: (t: number) => number, hours: number): { at: number | null; startMs: number | null } {
  const c = cusumCreate();
  for (let t = T0; t < T0 + hours * HOUR; t += STEP) {
    cusumUpdate(c, z(t), STEP / HOUR, t, P);
    if (c.alarm) return { at: t, startMs: c.startMs };
  }
  return { at: null, startMs: null };
}

describe('CUSUM in device time', () => {
  it('stays quiet on noise', () => {
    const noise = gaussian(1);
    expect(firstAlarm(() => noise(), 7 * 24).at).toBeNull();
  });

  it('alarms soon after a step and dates its start to the step', () => {
    const noise = gaussian(2);
    const step = T0 + 10 * HOUR;
    const { at, startMs } = firstAlarm((t) => noise() + (t >= step ? 4 : 0), 24);
    expect(at).not.toBeNull();
    // A shift of 4 against an allowance of 1 crosses h = 3 in about an hour.
    expect((at ?? 0) - step).toBeLessThan(2 * HOUR);
    expect(Math.abs((startMs ?? 0) - step)).toBeLessThanOrEqual(HOUR);
  });

  it('alarms on a slow drift', () => {
    const noise = gaussian(3);
    const { at } = firstAlarm((t) => noise() + ((t - T0) / HOUR) * 0.1, 48);
    expect(at).not.toBeNull();
  });

  it('ignores an isolated spike', () => {
    const noise = gaussian(4);
    const spike = T0 + 5 * HOUR;
    expect(firstAlarm((t) => noise() + (t === spike ? 4 : 0), 24).at).toBeNull();
  });

  it('needs the same evidence per hour whatever the sampling rate', () => {
    const hourly = cusumCreate();
    const fine = cusumCreate();
    for (let i = 1; i <= 2; i++) cusumUpdate(hourly, 3, 1, T0 + i * HOUR, P);
    for (let i = 1; i <= 120; i++) cusumUpdate(fine, 3, 1 / 60, T0 + i * MINUTE, P);
    expect(hourly.sum).toBeCloseTo(fine.sum, 9);
    expect(hourly.alarm).toBe(true);
  });
});
