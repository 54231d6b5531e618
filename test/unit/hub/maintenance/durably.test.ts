import { describe, expect, it } from 'vitest';
import { durably, isRetriable } from '../../../../hub/maintenance/durably.js';

const options = {
  backoff: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
  signal: new AbortController().signal,
  beforeWait: () => Promise.resolve(),
  onFailure: () => undefined,
};

describe('durably', () => {
  it('waits out errors that may go away', async () => {
    let calls = 0;
    const result = await durably(
      () => (++calls < 5 ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve('stored')),
      { ...options, isRetriable, nonRetriableAttempts: 2 },
    );
    expect(result).toBe('stored');
    expect(calls).toBe(5);
  });

  it('gives up an error marked not retriable after the attempts allowed', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('MESSAGE_TOO_LARGE'), { retriable: false });
    await expect(
      durably(
        () => {
          calls++;
          return Promise.reject(refused);
        },
        { ...options, isRetriable, nonRetriableAttempts: 3 },
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(3);
  });

  it('ends with the signal’s reason when aborted, between attempts or before the first', async () => {
    const controller = new AbortController();
    const stopping = new Error('maintenance stopping');
    let calls = 0;
    await expect(
      durably(
        () => {
          calls++;
          return Promise.reject(new Error('ECONNREFUSED'));
        },
        { ...options, signal: controller.signal, onFailure: () => controller.abort(stopping) },
      ),
    ).rejects.toBe(stopping);
    expect(calls).toBe(1);
    await expect(
      durably(() => Promise.resolve('never run'), { ...options, signal: controller.signal }),
    ).rejects.toBe(stopping);
  });

  it('stops when beforeWait throws: the group is rebalancing', async () => {
    const rebalancing = new Error('The group is rebalancing');
    await expect(
      durably(() => Promise.reject(new Error('ECONNREFUSED')), {
        ...options,
        beforeWait: () => Promise.reject(rebalancing),
      }),
    ).rejects.toBe(rebalancing);
  });
});
