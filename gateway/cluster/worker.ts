import { configSchema, type Config } from '../../config/index.js';
import type { Logger } from '../../common/logger.js';
import { startGateway, type RunningGateway } from '../gateway.js';
import { WORKER_CONFIG_ENV, isWorkerStop, type WorkerReady } from './messages.js';

function configFromPrimary(): Config {
  const json = process.env[WORKER_CONFIG_ENV];
  if (json === undefined) throw new Error(`a gateway worker needs ${WORKER_CONFIG_ENV} from its primary`);
  return configSchema.parse(JSON.parse(json));
}

/**
 * One worker of a gateway cluster: a whole gateway on the configuration its primary derived. It
 * drains and exits 0 when the primary asks, or on SIGTERM/SIGINT (a terminal's Ctrl-C reaches
 * every process of the group), and exits 1 when it cannot start or its stop overruns.
 */
export async function runGatewayWorker(logger: Logger): Promise<void> {
  const config = configFromPrimary();
  const started: Promise<RunningGateway> = startGateway(config, logger);
  let exiting = false;
  const drainAndExit = (reason: string): void => {
    if (exiting) return;
    exiting = true;
    setTimeout(() => {
      logger.error('worker shutdown took too long; exiting');
      process.exit(1);
    }, config.gateway.shutdownTimeoutMs + 5_000).unref();
    started
      .then((gateway) => gateway.stop(reason))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'worker shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('message', (message) => {
    if (isWorkerStop(message)) drainAndExit(message.reason);
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => drainAndExit(`received ${signal}`));

  try {
    const gateway = await started;
    const ready: WorkerReady = {
      type: 'gateway-worker-ready',
      gatewayId: gateway.id,
      ports: { ...gateway.ports },
    };
    process.send?.(ready);
  } catch (error) {
    logger.fatal({ err: error }, 'gateway worker failed to start');
    process.exit(1);
  }
}
