import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from '../../../device-sim/prng.js';

const draw = (seed: number, n: number): number[] => {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('Rng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    expect(draw(1, 50)).toEqual(draw(1, 50));
    expect(draw(1, 50)).not.toEqual(draw(2, 50));
  });

  it('continues the same sequence from its stored state', () => {
    const a = new Rng(99);
    a.next();
    a.next();
    const b = new Rng(a.state);
    expect([a.next(), a.gaussian()]).toEqual([b.next(), b.gaussian()]);
  });

  it('stays within [0, 1) and its integer range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const rng = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const v = rng.next();
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThan(1);
          const k = rng.int(3, 7);
          expect(k >= 3 && k <= 7 && Number.isInteger(k)).toBe(true);
        }
      }),
    );
  });

  it('draws gaussians with the asked mean and spread', () => {
    const rng = new Rng(7);
    const xs = Array.from({ length: 20_000 }, () => rng.gaussian(10, 2));
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    expect(m).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.9);
    expect(sd).toBeLessThan(2.1);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 30 }, (_, i) => i);
    const shuffled = new Rng(3).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});

describe('deriveSeed', () => {
  it('is stable and separates labels', () => {
    expect(deriveSeed(1, 'device', 3)).toBe(deriveSeed(1, 'device', 3));
    const seeds = new Set([
      deriveSeed(1, 'device', 3),
      deriveSeed(1, 'device', 4),
      deriveSeed(2, 'device', 3),
      deriveSeed(1, 'x', 3),
    ]);
    expect(seeds.size).toBe(4);
  });
});
