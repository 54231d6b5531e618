import { describe, expect, it } from 'vitest';
import { TokenBuckets } from '../../../../gateway/auth/token-buckets.js';

describe('TokenBuckets', () => {
  it('allows a burst of `capacity`, then refills at the given rate', () => {
    let now = 0;
    const buckets = new TokenBuckets(3, 1, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
    expect(buckets.take('b')).toBe(true);
    now += 1000;
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
  });

  it('has() looks without taking', () => {
    let now = 0;
    const buckets = new TokenBuckets(1, 1, () => now);
    expect(buckets.has('a')).toBe(true);
    expect(buckets.take('a')).toBe(true);
    expect(buckets.has('a')).toBe(false);
    now += 1000;
    expect(buckets.has('a')).toBe(true);
  });

  it('forgets keys whose bucket has refilled, so memory stays bounded', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, 2, () => now);
    for (let i = 0; i < 1000; i++) buckets.take(`client-${i}`);
    expect(buckets.size).toBe(1000);
    now += 2000;
    buckets.take('late');
    expect(buckets.size).toBe(1);
  });
});
