import { backoffDelay, type BackoffOptions } from '../../common/retry.js';

export interface RestartBackoffOptions extends BackoffOptions {
  /** A worker that ran this long before it exited counts as healthy: its next restart is quick again. */
  stableAfterMs: number;
}

export const WORKER_RESTART_BACKOFF: RestartBackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
  stableAfterMs: 60_000,
};

/** Delays before restarting one worker slot: growing while its workers keep dying young. */
export class RestartBackoff {
  private failures = 0;

  constructor(
    private readonly options: RestartBackoffOptions = WORKER_RESTART_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before restarting a worker that exited after running `uptimeMs`. */
  next(uptimeMs: number): number {
    if (uptimeMs >= this.options.stableAfterMs) this.failures = 0;
    return backoffDelay(this.failures++, this.options, this.random);
  }
}
