import type { Logger } from '../../common/logger.js';

export interface BoundaryCounter {
  inc(labels: { boundary: string }): void;
}

/**
 * Where the gateway's own code meets a caller that must never see an exception: an aedes hook, an
 * event listener, a socket callback, a timer. A defect there is caught, counted by boundary and
 * logged (at most once a second per boundary, so a flood cannot flood the log); the caller's
 * fallback decides what the device sees.
 */
export class Boundary {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly counter: BoundaryCounter,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts and logs an exception caught at `boundary`. */
  failed(boundary: string, error: unknown, context: Record<string, unknown> = {}): void {
    this.counter.inc({ boundary });
    const at = this.now();
    if (at - (this.lastLogged.get(boundary) ?? -Infinity) < 1000) return;
    this.lastLogged.set(boundary, at);
    this.logger.error({ ...context, boundary, err: error }, 'internal error caught at a boundary');
  }

  /** Runs `fn`; if it throws, counts it and returns `fallback(error)` instead. */
  run<T>(boundary: string, fn: () => T, fallback: (error: unknown) => T): T {
    try {
      return fn();
    } catch (error) {
      this.failed(boundary, error);
      return fallback(error);
    }
  }

  /** `fn` as a callback that never throws (for timers and listeners whose caller cannot cope). */
  guard<A extends unknown[]>(boundary: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        fn(...args);
      } catch (error) {
        this.failed(boundary, error);
      }
    };
  }
}

/** A callback that runs at most once, whatever a buggy caller does. */
export function once<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  let called = false;
  return (...args: A) => {
    if (called) return;
    called = true;
    fn(...args);
  };
}
