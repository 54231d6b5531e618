import { EX_CONFIG, loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../common/logger.js';
import { resolveOperatorToken } from './auth/operator-token.js';
import { HUB_SHUTDOWN_GRACE_MS, startHub } from './hub.js';

const loaded = loadConfigOrExit();
const token = resolveOperatorToken(loaded);
if (!token.ok) {
  process.stderr.write(`invalid configuration: ${token.message}\n`);
  process.exit(EX_CONFIG);
}
// Straight to stderr, once: the JSON log is collected and kept, and this token opens the API.
if (token.generated) process.stderr.write(`operator token (generated for this run): ${token.token}\n`);

const config = { ...loaded, hub: { ...loaded.hub, operatorToken: token.token } };
const logger = createLogger('hub', config.log.level);

try {
  const hub = await startHub(config, logger);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting for requests in progress');
      process.exit(1);
    }
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, HUB_SHUTDOWN_GRACE_MS + 5_000);
    timer.unref();
    hub.stop(`received ${signal}`).then(
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
  logger.fatal({ err: error }, 'hub failed to start');
  process.exit(1);
}
