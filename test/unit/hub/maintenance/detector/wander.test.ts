import { describe, expect, it } from 'vitest';
import {
  temperatureAloneC,
  wanderCreate,
  wanderStep,
} from '../../../../../hub/maintenance/detector/wander.js';
import { HOUR, T0 } from './series.js';

const DAY = 24 * HOUR;
const PARAMS = { minDays: 3, keepDays: 7, factor: 3, floorC: 5.5 };

/** Hourly deviations of `peakC` at noon and 0.2 °C otherwise, for `days` days. */
function days(peaksC: readonly number[]): ReturnType<typeof wanderCreate> {
  const w = wanderCreate();
  peaksC.forEach((peakC, day) => {
    for (let h = 0; h < 24; h++) wanderStep(w, h === 12 ? -peakC : 0.2, T0 + day * DAY + h * HOUR, T0, 7);
  });
  return w;
}

describe('temperature wander', () => {
  it('keeps the default threshold until enough healthy days have been seen', () => {
    expect(temperatureAloneC(undefined, 8, PARAMS)).toBe(8);
    // Three days of readings, but the third is still open: two completed days.
    expect(temperatureAloneC(days([0.3, 0.3, 0.3]), 8, PARAMS)).toBe(8);
  });

  it('lowers it to the floor for a machine that has stayed calm', () => {
    expect(temperatureAloneC(days([0.3, 0.4, 0.3, 0.2]), 8, PARAMS)).toBe(5.5);
  });

  it('scales it with the largest wander, either sign, never above the default', () => {
    expect(temperatureAloneC(days([0.3, 2.1, 0.3, 0.2]), 8, PARAMS)).toBeCloseTo(6.3);
    expect(temperatureAloneC(days([0.3, 4, 0.3, 0.2]), 8, PARAMS)).toBe(8);
  });

  it('leaves the open day out, so a rise today does not raise its own bar', () => {
    const w = days([0.3, 0.4, 0.3, 0.2]);
    wanderStep(w, 6, T0 + 4 * DAY + 12 * HOUR, T0, 7);
    expect(temperatureAloneC(w, 8, PARAMS)).toBe(5.5);
  });

  it('forgets days older than it keeps', () => {
    const w = days([4, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]);
    expect(w.peaksC).toHaveLength(7);
    expect(temperatureAloneC(w, 8, PARAMS)).toBe(5.5);
  });
});
