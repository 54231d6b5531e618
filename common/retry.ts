export interface BackoffOptions {
  /** First delay in milliseconds. */
  initialMs: number;
  /** Upper bound of any delay in milliseconds. */
  maxMs: number;
  /** Growth factor per attempt. */
  factor: number;
  /** Fraction of the delay randomised, 0..1; spreads retries of many clients apart. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 100, maxMs: 30_000, factor: 2, jitter: 0.2 };

/** Delay before retry number `attempt` (0-based): exponential, capped, with symmetric jitter. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  const spread = base * options.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

export interface RetryOptions extends BackoffOptions {
  /** Give up after this many attempts in total; Infinity retries until aborted. */
  maxAttempts: number;
  /** Return false for an error that will not go away; it ends the retries (see `nonRetriableAttempts`). */
  isRetriable?: (error: unknown) => boolean;
  /**
   * How many failures `isRetriable` calls final are allowed in all before the last is thrown;
   * 1 (the default) throws the first. More gives a refusal a second look before data is given
   * up (the maintenance consumer's sends), still without retrying it forever.
   */
  nonRetriableAttempts?: number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Runs before every wait, after `onRetry`; what it throws ends the retries. */
  beforeWait?: () => Promise<void>;
  signal?: AbortSignal;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `operation` until it succeeds, errors that are not retriable are used up, attempts run out
 * or `signal` aborts; then throws the last error (or the abort reason, when aborted while waiting).
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  let refusals = 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const refused = options.isRetriable?.(error) === false;
      if (refused && ++refusals >= (options.nonRetriableAttempts ?? 1)) throw error;
      if (attempt + 1 >= options.maxAttempts || options.signal?.aborted) throw error;
      const delay = backoffDelay(attempt, options);
      options.onRetry?.(error, attempt + 1, delay);
      await options.beforeWait?.();
      await sleep(delay, options.signal);
    }
  }
}
