import { describe, expect, it } from 'vitest';
import { fitTrend, trendAdd, trendCreate } from '../../../../../hub/maintenance/detector/trend.js';
import { HOUR, MINUTE, T0, gaussian } from './series.js';

const BUCKET = 15 * MINUTE;

describe('trend fit and remaining useful life', () => {
  it.each([
    ['power law', 2, (p: number) => p ** 2],
    [
      'exponential wear (vibration)',
      1.75,
      (p: number) => Math.log1p((7 * Math.expm1(4 * p)) / Math.expm1(4)) / Math.log(8),
    ],
  ])(
    'extrapolates a noisy %s degradation to its failure time within 20%% at half-way',
    (_name, exponent, shape) => {
      const noise = gaussian(5);
      const onset = T0 + 30 * HOUR;
      const windowH = 20;
      const failure = onset + windowH * HOUR;
      const half = onset + (windowH / 2) * HOUR;
      const series = trendCreate();
      for (let t = T0; t <= half; t += 5 * MINUTE) {
        const p = Math.max(0, (t - onset) / (windowH * HOUR));
        trendAdd(series, t, shape(p) + 0.01 * noise(), BUCKET, 36 * HOUR);
      }
      const fit = fitTrend(series, half, exponent, BUCKET, 6);
      const truth = (failure - half) / HOUR;
      expect(fit).not.toBeNull();
      expect(Math.abs((fit?.rulHours ?? 0) - truth)).toBeLessThan(0.2 * truth);
      expect(Math.abs((fit?.onsetMs ?? 0) - onset)).toBeLessThan(3 * HOUR);
    },
  );

  it('has nothing to extrapolate on a flat series', () => {
    const series = trendCreate();
    for (let t = T0; t < T0 + 10 * HOUR; t += 5 * MINUTE) trendAdd(series, t, -0.01, BUCKET, 36 * HOUR);
    expect(fitTrend(series, T0 + 10 * HOUR, 2, BUCKET, 6)).toBeNull();
  });

  it('keeps only the window, in buckets', () => {
    const series = trendCreate();
    for (let t = T0; t < T0 + 48 * HOUR; t += MINUTE) trendAdd(series, t, 1, BUCKET, 12 * HOUR);
    expect(series.t.length).toBeLessThanOrEqual(12 * 4 + 1);
    expect(series.n.at(-2)).toBe(15);
  });
});
