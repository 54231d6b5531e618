import type { Logger } from '../logger.js';
import { backoffDelay, retry, sleep, type BackoffOptions, type RetryOptions } from '../retry.js';
import type { ConsumerHealth, ConsumerMonitor, ConsumerState } from './consumer-monitor.js';

export interface LifecycleOptions {
  /** Names the consumer in logs, metrics and health, such as "registry". */
  name: string;
  /** Delays between restart attempts; the count resets once a record is handled again. */
  backoff?: BackoffOptions;
  monitor: ConsumerMonitor;
  logger: Logger;
}

/** What a client adapter does for the lifecycle; none of it names a client. */
export interface ConsumerRuns {
  /** Builds a fresh consumer and runs it; resolves once it runs, rejects (having closed it) when it cannot. */
  runOnce(): Promise<void>;
  /** Before each rebuild, after the backoff: such as moving remembered positions back into the log. */
  beforeRestart?(): Promise<void>;
  /** Whether a failure of the first start may pass on its own (a broker that has just started). */
  isRetriable(error: unknown): boolean;
}

const DEFAULT_RESTART_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

const START_BACKOFF: Pick<RetryOptions, 'initialMs' | 'maxMs' | 'factor' | 'jitter' | 'maxAttempts'> = {
  initialMs: 200,
  maxMs: 3_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: 15,
};

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The state of one supervised Kafka consumer, whatever the client: a first start that retries what
 * may pass, and after a crash a rebuild with backoff until `stop`, each step reported to the
 * monitor ('starting', 'running', 'restarting', 'stopped') and counted.
 */
export class ConsumerLifecycle {
  private state: ConsumerState = 'stopped';
  private restarts = 0;
  private failures = 0;
  private lastError: string | undefined;
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private readonly abort = new AbortController();

  constructor(
    private readonly o: LifecycleOptions,
    private readonly runs: ConsumerRuns,
  ) {}

  get stopped(): boolean {
    return this.stopping;
  }

  health(): ConsumerHealth {
    return {
      state: this.state,
      restarts: this.restarts,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /** A record or batch went through: the next crash starts the backoff over. */
  handled(): void {
    this.failures = 0;
  }

  /** Rejects when this first run fails for good; restarts after later crashes are this class's job. */
  async start(): Promise<void> {
    this.setState('starting');
    // A broker that has just started answers "coordinator loading" and the like for a while.
    await retry(() => this.runs.runOnce(), {
      ...START_BACKOFF,
      signal: this.abort.signal,
      isRetriable: (error) => this.runs.isRetriable(error),
      onRetry: (error, attempt, delayMs) =>
        this.o.logger.warn(
          { consumer: this.o.name, err: messageOf(error), attempt, delayMs },
          'Kafka consumer did not start; retrying',
        ),
    });
    // A crash during the first group join has handed the consumer to restart(): started means running.
    if (this.state === 'restarting') await this.restarting;
    if (this.state === 'starting') this.setState('running');
  }

  /**
   * The consumer running now crashed (the caller checked it is the current one): reported, then
   * `dispose` closes it and new ones are run until one runs or `stop` is called.
   */
  crashed(error: unknown, dispose: () => Promise<void>): void {
    if (this.stopping) return;
    this.lastError = messageOf(error);
    this.setState('restarting');
    this.o.logger.error(
      { consumer: this.o.name, err: this.lastError },
      'Kafka consumer crashed; restarting it',
    );
    this.restarting = this.restart(dispose);
  }

  /** Ends restarting; `dispose` then closes whatever consumer runs. */
  async stop(dispose: () => Promise<void>): Promise<void> {
    this.stopping = true;
    this.abort.abort(new Error(`${this.o.name} consumer stopping`));
    await this.restarting;
    this.setState('stopped');
    await dispose();
  }

  private async restart(dispose: () => Promise<void>): Promise<void> {
    await dispose().catch(() => undefined);
    const backoff = this.o.backoff ?? DEFAULT_RESTART_BACKOFF;
    while (!this.stopping) {
      const delayMs = backoffDelay(this.failures++, backoff);
      try {
        await sleep(delayMs, this.abort.signal);
        await this.runs.beforeRestart?.();
        await this.runs.runOnce();
      } catch (error) {
        if (this.stopping) return;
        this.lastError = messageOf(error);
        this.report();
        this.o.logger.warn(
          { consumer: this.o.name, err: this.lastError, attempt: this.failures },
          'Kafka consumer did not restart; trying again',
        );
        continue;
      }
      if (this.stopping) return;
      this.restarts++;
      this.lastError = undefined;
      this.o.monitor.restarted(this.o.name);
      this.setState('running');
      this.o.logger.info({ consumer: this.o.name, restarts: this.restarts }, 'Kafka consumer restarted');
      return;
    }
  }

  private setState(state: ConsumerState): void {
    this.state = state;
    this.report();
  }

  private report(): void {
    this.o.monitor.changed(this.o.name, this.health());
  }
}
