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
  /**
   * An error this says will not go away (a record Kafka refuses for good, say) is retried only
   * `nonRetriableAttempts` times in all, then thrown; without it every error is waited out.
   */
  isRetriable?: (error: unknown) => boolean;
  nonRetriableAttempts?: number;
}

/** kafkajs and this project's errors carry `retriable`; anything without it is assumed transient. */
export function isRetriable(error: unknown): boolean {
  return (error as { retriable?: unknown } | null)?.retriable !== false;
}

/**
 * Runs `operation` until it succeeds, waiting with jittered backoff in between: the consumer
 * holds its position (and so pauses consumption) rather than drop data while a store is down.
 * Ends early only when `signal` aborts, `beforeWait` throws (the group is rebalancing) or an error
 * that will not go away has been seen `nonRetriableAttempts` times.
 */
export async function durably<T>(operation: () => Promise<T>, o: DurablyOptions): Promise<T> {
  let refused = 0;
  for (let attempt = 0; ; attempt++) {
    if (o.signal.aborted) throw abortReason(o.signal);
    try {
      return await operation();
    } catch (error) {
      if (o.signal.aborted) throw abortReason(o.signal);
      if (o.isRetriable?.(error) === false && ++refused >= (o.nonRetriableAttempts ?? 1)) throw error;
      const delay = backoffDelay(attempt, o.backoff);
      o.onFailure(error, attempt + 1, delay);
      await o.beforeWait();
      await sleep(delay, o.signal);
    }
  }
}
