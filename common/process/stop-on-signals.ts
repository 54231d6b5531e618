import type { Logger } from '../logger.js';

/**
 * SIGTERM and SIGINT stop the process gracefully through `stop`, exiting 0 when it finishes and 1
 * if it fails or takes longer than `graceMs` plus a margin. A second signal exits at once.
 */
export function stopOnSignals(
  stop: (reason: string) => Promise<void>,
  graceMs: number,
  logger: Logger,
): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
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
