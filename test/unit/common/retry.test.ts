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

  it('allows errors marked not retriable the attempts given, counted across the run', async () => {
    const outcomes = ['refused', 'transient', 'refused', 'transient', 'refused', 'stored'];
    let calls = 0;
    await expect(
      retry(
        () => {
          const outcome = outcomes[calls++];
          return outcome === 'stored' ? Promise.resolve(outcome) : Promise.reject(new Error(outcome));
        },
        {
          ...fast,
          maxAttempts: Infinity,
          isRetriable: (error) => (error as Error).message !== 'refused',
          nonRetriableAttempts: 3,
        },
      ),
    ).rejects.toThrow('refused');
    expect(calls).toBe(5);
  });

  it('runs beforeWait after onRetry before every wait, and ends when it throws', async () => {
    const seen: string[] = [];
    let calls = 0;
    await expect(
      retry(() => Promise.reject(new Error(`fail ${++calls}`)), {
        ...fast,
        maxAttempts: Infinity,
        onRetry: (_error, attempt) => seen.push(`retry ${attempt}`),
        beforeWait: () => {
          seen.push('before wait');
          return seen.length < 4 ? Promise.resolve() : Promise.reject(new Error('rebalancing'));
        },
      }),
    ).rejects.toThrow('rebalancing');
    expect(seen).toEqual(['retry 1', 'before wait', 'retry 2', 'before wait']);
    expect(calls).toBe(2);
  });

  it('stops a wait when the signal aborts, with the abort reason', async () => {
    const controller = new AbortController();
    const stopped = new Error('stopping');
    let calls = 0;
    const slow = { initialMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 };
    await expect(
      retry(
        () => {
          calls++;
          return Promise.reject(new Error('down'));
        },
        {
          ...slow,
          maxAttempts: Infinity,
          signal: controller.signal,
          onRetry: () => controller.abort(stopped),
        },
      ),
    ).rejects.toBe(stopped);
    expect(calls).toBe(1);
  });
});
