import type { Logger } from '../../common/logger.js';
import type { DeviceAuthenticator } from './authenticator.js';

/**
 * Logs refused CONNECTs one by one up to `perInterval` per interval, then counts them and writes
 * one summary line at the end of the interval, so that a flood of attempts cannot flood the log.
 * `gateway_auth_failures_total{reason}` counts every one.
 */
export class RefusalLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private logged = 0;
  private readonly suppressed = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly perInterval = 20,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  refused(clientId: string, reason: string): void {
    const now = this.now();
    if (now - this.windowStart >= this.intervalMs) {
      this.flush();
      this.windowStart = now;
      this.logged = 0;
    }
    if (this.logged < this.perInterval) {
      this.logged++;
      this.logger.warn({ clientId, reason }, 'connection refused');
      return;
    }
    this.suppressed.set(reason, (this.suppressed.get(reason) ?? 0) + 1);
    this.timer ??= setTimeout(() => this.flush(), this.windowStart + this.intervalMs - now).unref();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.suppressed.size === 0) return;
    this.logger.warn(
      { byReason: Object.fromEntries(this.suppressed), intervalMs: this.intervalMs },
      'more connections refused than logged one by one',
    );
    this.suppressed.clear();
  }
}

/** `inner`, with its refusals written to `log`. */
export function withRefusalLog(inner: DeviceAuthenticator, log: RefusalLog): DeviceAuthenticator {
  return {
    async authenticate(clientId, username, password) {
      const outcome = await inner.authenticate(clientId, username, password);
      if (!outcome.ok) log.refused(clientId, outcome.reason);
      return outcome;
    },
  };
}
