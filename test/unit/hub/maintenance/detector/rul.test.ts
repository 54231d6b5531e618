import { describe, expect, it } from 'vitest';
import { rulAt } from '../../../../../hub/maintenance/detector/rul.js';
import { HOUR } from './series.js';

describe('remaining useful life in running time', () => {
  const estimate = { runningHours: 12, atRunMs: 100 * HOUR };

  it('ages only while the machine runs', () => {
    expect(rulAt(estimate, 104 * HOUR, 1)).toBe(8);
    expect(rulAt(estimate, 100 * HOUR, 1)).toBe(12);
  });

  it('is stretched into calendar hours by the share of time the machine runs', () => {
    expect(rulAt(estimate, 100 * HOUR, 1 / 3)).toBeCloseTo(36);
    expect(rulAt(estimate, 106 * HOUR, 0.5)).toBeCloseTo(12);
  });

  it('takes a machine that hardly ran as running a tenth of the time, and never goes below 0', () => {
    expect(rulAt(estimate, 100 * HOUR, 0)).toBeCloseTo(120);
    expect(rulAt(estimate, 200 * HOUR, 1)).toBe(0);
    expect(rulAt(null, 100 * HOUR, 1)).toBeNull();
  });
});
