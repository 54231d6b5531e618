import type { Config } from '../../config/index.js';
import type { Logger } from '../../common/logger.js';
import type { HealthReport } from '../../common/process/feature.js';
import { defaultGatewayId } from '../gateway.js';
import { planHostPorts } from './host-ports.js';
import { startOpsServer } from '../http/ops-server.js';
import { mergeExpositions } from './metrics-merge.js';
import { PrimaryMetrics } from './primary-metrics.js';
import { WorkerSupervisor } from './supervisor.js';
import { getWorkerEndpoint } from './worker-endpoints.js';
import { workerConfig } from './worker-config.js';
import { workerGatewayId } from './worker-id.js';

export interface RunningGatewayCluster {
  id: string;
  ports: Record<string, number | undefined>;
  /** Drains every worker; resolves once all exited 0. */
  stop(reason?: string): Promise<void>;
}

function clusterHealth(host: string, gatewayId: string, supervisor: WorkerSupervisor) {
  return async (): Promise<HealthReport> => {
    const workers = await Promise.all(
      supervisor.view().map(async (worker) => {
        if (worker.state !== 'running') return { ...worker, healthy: false };
        try {
          const report = JSON.parse(
            await getWorkerEndpoint(host, worker.opsPort, '/healthz'),
          ) as HealthReport;
          return { ...worker, healthy: report.healthy, report };
        } catch (error) {
          return { ...worker, healthy: false, error: `health not read: ${String(error)}` };
        }
      }),
    );
    return { healthy: workers.every((w) => w.healthy), gatewayId, workers };
  };
}

function clusterMetrics(host: string, supervisor: WorkerSupervisor, metrics: PrimaryMetrics) {
  return async (): Promise<{ text: string; contentType: string }> => {
    const running = supervisor.view().filter((w) => w.state === 'running');
    const texts = await Promise.all(
      running.map((worker) =>
        getWorkerEndpoint(host, worker.opsPort, '/metrics').catch(() => {
          metrics.scrapeFailures.inc({ worker: worker.gatewayId });
          return '';
        }),
      ),
    );
    const text = mergeExpositions([await metrics.registry.metrics(), ...texts]);
    return { text, contentType: metrics.registry.contentType };
  };
}

/**
 * The primary of GATEWAY_WORKERS gateway processes on one host. It serves no device itself: it
 * forks the workers, which share the MQTT ports (node:cluster hands each new connection to the
 * next worker), keeps them running, answers GATEWAY_HTTP_PORT for all of them and drains them on stop.
 */
export async function startGatewayPrimary(config: Config, logger: Logger): Promise<RunningGatewayCluster> {
  const { workers } = config.gateway;
  const hostPorts = await planHostPorts(config.mqtt, workers);
  const baseId = config.gateway.id ?? defaultGatewayId(hostPorts.listeners.port);
  const log = logger.child({ gatewayId: baseId, role: 'primary' });
  const configs = hostPorts.workerOps.map((opsPort, index) =>
    workerConfig(config, hostPorts.listeners, { index, gatewayId: workerGatewayId(baseId, index), opsPort }),
  );
  const metrics = new PrimaryMetrics(baseId, workers);
  const supervisor = new WorkerSupervisor(configs, metrics, log);
  const host = config.mqtt.host;
  const ops = await startOpsServer(config.gateway.httpPort, host, {
    health: clusterHealth(host, baseId, supervisor),
    metrics: clusterMetrics(host, supervisor, metrics),
  });
  const ready = await supervisor.start().catch(async (error: unknown) => {
    await ops.close();
    throw error;
  });
  const ports = { ...ready[0]?.ports, http: ops.port() };
  const ids = configs.map((c) => c.gateway.id);
  log.info({ ports, workers: ids, topicPrefix: config.kafka.topicPrefix }, 'gateway workers listening');

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop requested'): Promise<void> =>
    (stopping ??= (async () => {
      log.info({ reason }, 'gateway workers stopping: every worker drains');
      try {
        await supervisor.stop(reason);
      } finally {
        await ops.close();
      }
      log.info('gateway workers stopped');
    })());
  return { id: baseId, ports, stop };
}
