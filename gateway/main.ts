import { loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../common/logger.js';
import { startGateway } from './gateway.js';

const config = loadConfigOrExit();
const logger = createLogger('gateway', config.log.level);

try {
  const gateway = await startGateway(config, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the flush');
      process.exit(1);
    }
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.gateway.shutdownTimeoutMs + 5_000);
    timer.unref();
    gateway.stop(`received ${signal}`).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}
