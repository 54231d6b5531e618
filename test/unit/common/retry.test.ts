import { describe, expect, it } from 'vitest';
import { backoffDelay, retry } from '../../../common/retry.js';

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

  it('grows exponentially and stops at the cap', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, options, mid))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('spreads delays by the jitter fraction on both sides', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(100);
    expect(backoffDelay(1, options, () => 1)).toBe(300);
  });
});

describe('retry', () => {
  const fast = { initialMs: 1, maxMs: 2, factor: 2, jitter: 0 };

  it('returns the first success', async () => {
    let calls = 0;
    const value = await retry(
      () => (++calls < 3 ? Promise.reject(new Error('no')) : Promise.resolve('yes')),
      {
        ...fast,
        maxAttempts: 5,
      },
    );
    expect(value).toBe('yes');
    expect(calls).toBe(3);
  });

  it('stops at maxAttempts and rethrows the last error', async () => {
    let calls = 0;
    await expect(
      retry(() => Promise.reject(new Error(`fail ${++calls}`)), { ...fast, maxAttempts: 4 }),
    ).rejects.toThrow('fail 4');
  });

  it('does not retry an error marked not retriable', async () => {
    let calls = 0;
    await expect(
      retry(
        () => {
          calls++;
          return Promise.reject(new Error('bad input'));
        },
        { ...fast, maxAttempts: 10, isRetriable: () => false },
      ),
    ).rejects.toThrow('bad input');
    expect(calls).toBe(1);
  });
});
