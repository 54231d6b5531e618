import type { Logger } from '../logger.js';

export interface StopOnSignalsOptions {
  /**
   * A signal this soon after the first is the same one delivered twice, not a second: a wrapper
   * such as the tsx CLI relays a Ctrl-C the process group already received.
   */
  repeatWithinMs?: number;
}

/**
 * SIGTERM and SIGINT stop the process gracefully through `stop`, exiting 0 when it finishes and 1
 * if it fails or takes longer than `graceMs` plus a margin. A second signal exits at once.
 */
export function stopOnSignals(
  stop: (reason: string) => Promise<void>,
  graceMs: number,
  logger: Logger,
  options: StopOnSignalsOptions = {},
): void {
  let signals = 0;
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signals > 0 && Date.now() - firstAt < (options.repeatWithinMs ?? 0)) return;
    firstAt ||= Date.now();
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the graceful stop');
      process.exit(1);
    }
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, graceMs + 5_000);
    timer.unref();
    stop(`received ${signal}`).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
