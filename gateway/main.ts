import { loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../common/logger.js';
import { startGateway } from './gateway.js';
import { stopOnSignals } from '../common/process/stop-on-signals.js';
import { runGatewayCluster } from './cluster/run-cluster.js';

const config = loadConfigOrExit();
const logger = createLogger('gateway', config.log.level);

try {
  if (config.gateway.workers > 1) {
    await runGatewayCluster(config, logger);
  } else {
    const gateway = await startGateway(config, logger);
    stopOnSignals((reason) => gateway.stop(reason), config.gateway.shutdownTimeoutMs, logger);
  }
} catch (error) {
  logger.fatal({ err: error }, 'gateway failed to start');
  process.exit(1);
}
