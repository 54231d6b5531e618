import { backoffDelay, sleep, type BackoffOptions } from '../../common/retry.js';

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export interface DurablyOptions {
  backoff: BackoffOptions;
  signal: AbortSignal;
  /** Runs before every wait; the consumer heartbeats here so a long outage does not cost it its partitions. */
  beforeWait: () => Promise<void>;
  onFailure: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation` until it succeeds, waiting with jittered backoff in between: the consumer
 * holds its position (and so pauses consumption) rather than drop data while a store is down.
 * Ends early only when `signal` aborts or `beforeWait` throws (the group is rebalancing).
 */
export async function durably<T>(operation: () => Promise<T>, o: DurablyOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (o.signal.aborted) throw abortReason(o.signal);
    try {
      return await operation();
    } catch (error) {
      if (o.signal.aborted) throw abortReason(o.signal);
      const delay = backoffDelay(attempt, o.backoff);
      o.onFailure(error, attempt + 1, delay);
      await o.beforeWait();
      await sleep(delay, o.signal);
    }
  }
}
