import type { Logger } from '../../common/logger.js';
import type { HealthPoint } from './fleet-state.js';

export interface HealthPollerOptions {
  read(): Promise<HealthPoint[]>;
  apply(points: HealthPoint[]): void;
  intervalMs: number;
  logger: Logger;
  now(): number;
  onFailure?(): void;
}

/**
 * Reads every device's latest health on a timer. One read at a time: a slow InfluxDB delays the
 * next read instead of stacking requests. Failures are logged when they start and once a minute.
 */
export class HealthPoller {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failures = 0;
  private stopped = false;
  lastSuccessAt: number | undefined;

  constructor(private readonly o: HealthPollerOptions) {}

  start(): void {
    this.stopped = false;
    void this.tick();
  }

  /** Reads now unless a read is in progress; resolves when that read is done. */
  refresh(): Promise<void> {
    this.inFlight ??= this.read().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** True when no read succeeded for two intervals, such as while InfluxDB was down. */
  get stale(): boolean {
    return this.lastSuccessAt === undefined || this.o.now() - this.lastSuccessAt > 2 * this.o.intervalMs;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private async tick(): Promise<void> {
    await this.refresh();
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    const { logger } = this.o;
    try {
      this.o.apply(await this.o.read());
      this.lastSuccessAt = this.o.now();
      if (this.failures > 0) logger.info({ failures: this.failures }, 'device health readable again');
      this.failures = 0;
    } catch (error) {
      this.o.onFailure?.();
      const everyMinute = Math.max(1, Math.round(60_000 / this.o.intervalMs));
      if (this.failures++ % everyMinute === 0)
        logger.warn(
          { err: error instanceof Error ? error.message : String(error), failures: this.failures },
          'could not read device health from InfluxDB',
        );
    }
  }
}
