import cluster from 'node:cluster';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../common/logger.js';
import { stopOnSignals } from '../../common/process/stop-on-signals.js';
import { startGatewayPrimary } from './primary.js';
import { runGatewayWorker } from './worker.js';

// Each worker has GATEWAY_SHUTDOWN_TIMEOUT_MS (plus its own margin) to drain: the primary waits longer.
const WORKER_STOP_MARGIN_MS = 5_000;

/** GATEWAY_WORKERS > 1: this process is the primary that forks the workers, or one of them. */
export async function runGatewayCluster(config: Config, logger: Logger): Promise<void> {
  if (cluster.isWorker) return runGatewayWorker(logger);
  const primary = await startGatewayPrimary(config, logger);
  stopOnSignals(
    (reason) => primary.stop(reason),
    config.gateway.shutdownTimeoutMs + WORKER_STOP_MARGIN_MS,
    logger,
    // Under `npm run gateway` the tsx CLI relays a Ctrl-C 30 ms after the process group got it.
    { repeatWithinMs: 1000 },
  );
}
