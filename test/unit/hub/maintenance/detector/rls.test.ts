import { describe, expect, it } from 'vitest';
import {
  rlsCreate,
  rlsLeverage,
  rlsPredict,
  rlsUpdate,
} from '../../../../../hub/maintenance/detector/rls.js';
import { gaussian } from './series.js';

describe('recursive least squares', () => {
  it('learns a linear baseline and knows where it has not looked', () => {
    const noise = gaussian(6);
    const r = rlsCreate([1e4, 1e4]);
    for (let i = 0; i < 500; i++) {
      const x = (i % 50) / 50;
      rlsUpdate(r, [1, x], 2 + 3 * x + 0.01 * noise(), 1, 100);
    }
    expect(rlsPredict(r, [1, 0.5])).toBeCloseTo(3.5, 2);
    expect(rlsLeverage(r, [1, 5])).toBeGreaterThan(50 * rlsLeverage(r, [1, 0.5]));
  });

  it('follows a change when it forgets', () => {
    const r = rlsCreate([1e4]);
    for (let i = 0; i < 200; i++) rlsUpdate(r, [1], 1, 1, 100);
    for (let i = 0; i < 2000; i++) rlsUpdate(r, [1], 2, 0.99, 100);
    expect(rlsPredict(r, [1])).toBeCloseTo(2, 3);
  });
});
