import { retry, type BackoffOptions } from '../../common/retry.js';

export { isRetriable } from '../../common/kafka/errors.js';

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

export interface DurablyOptions {
  backoff: BackoffOptions;
  signal: AbortSignal;
  /** Runs before every wait; the consumer heartbeats here so a long outage does not cost it its partitions. */
  beforeWait: () => Promise<void>;
  onFailure: (error: unknown, attempt: number, delayMs: number) => void;
  /**
   * An error this says will not go away (a record Kafka refuses for good, say) is retried only
   * `nonRetriableAttempts` times in all, then thrown; without it every error is waited out.
   */
  isRetriable?: (error: unknown) => boolean;
  nonRetriableAttempts?: number;
}

/**
 * Runs `operation` until it succeeds, waiting with jittered backoff in between: the consumer
 * holds its position (and so pauses consumption) rather than drop data while a store is down.
 * Ends early only when `signal` aborts (with its reason), `beforeWait` throws (the group is
 * rebalancing) or an error that will not go away has been seen `nonRetriableAttempts` times.
 */
export async function durably<T>(operation: () => Promise<T>, o: DurablyOptions): Promise<T> {
  if (o.signal.aborted) throw abortReason(o.signal);
  try {
    return await retry(() => operation(), {
      ...o.backoff,
      maxAttempts: Infinity,
      signal: o.signal,
      beforeWait: o.beforeWait,
      onRetry: o.onFailure,
      isRetriable: o.isRetriable,
      nonRetriableAttempts: o.nonRetriableAttempts,
    });
  } catch (error) {
    throw o.signal.aborted ? abortReason(o.signal) : error;
  }
}
