import { describe, expect, it } from 'vitest';
import { RestartBackoff } from '../../../../gateway/cluster/restart-backoff.js';

const options = { initialMs: 500, maxMs: 4000, factor: 2, jitter: 0, stableAfterMs: 60_000 };

describe('RestartBackoff', () => {
  it('doubles the delay while workers keep dying young, up to the cap', () => {
    const backoff = new RestartBackoff(options);
    expect([1, 2, 3, 4, 5].map(() => backoff.next(1000))).toEqual([500, 1000, 2000, 4000, 4000]);
  });

  it('starts over after a worker that ran long enough', () => {
    const backoff = new RestartBackoff(options);
    backoff.next(10);
    backoff.next(10);
    expect(backoff.next(60_000)).toBe(500);
    expect(backoff.next(10)).toBe(1000);
  });

  it('spreads delays by the jitter', () => {
    const low = new RestartBackoff({ ...options, jitter: 0.2 }, () => 0);
    const high = new RestartBackoff({ ...options, jitter: 0.2 }, () => 1);
    expect(low.next(0)).toBe(400);
    expect(high.next(0)).toBe(600);
  });
});
