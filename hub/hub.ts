import { hostname } from 'node:os';
import type { Config } from '../config/index.js';
import { kafkaTopicNames } from '../contracts/index.js';
import type { Logger } from '../common/logger.js';
import type { KafkaConnection } from '../common/kafka/bootstrap.js';
import { KafkaFeature } from '../common/kafka/kafka-feature.js';
import { healthOf, startFeatures, type Feature } from '../common/process/feature.js';
import { CommandsFeature } from './commands/commands-feature.js';
import { ConsoleFeature } from './console/console-feature.js';
import { DevicesFeature } from './devices/devices-feature.js';
import { FleetFeature } from './fleet/fleet-feature.js';
import { InfluxFleetStore } from './fleet/influx-store.js';
import { HttpFeature } from './http/http-feature.js';
import { opsRoutes } from './http/ops-routes.js';
import type { Route } from './http/route.js';
import { createInfluxClient } from './influx/client.js';
import { MaintenanceFeature } from './maintenance/maintenance-feature.js';
import { HubMetrics } from './metrics.js';
import { loadConsolePage } from './web/page.js';
import { webRoutes } from './web/routes.js';

export { HUB_SHUTDOWN_GRACE_MS } from './http/http-feature.js';

export interface RunningHub {
  ports: { http: number };
  /** Stops accepting requests, lets those in progress finish, closes Kafka; idempotent. */
  stop(reason?: string): Promise<void>;
}

function kafkaHealth(metrics: HubMetrics) {
  return ({ producer }: KafkaConnection) => {
    const consumers = metrics.kafkaConsumers.report();
    return {
      healthy: producer.connected && consumers.healthy,
      kafka: { producer: producer.connected ? 'connected' : 'disconnected', consumers: consumers.consumers },
    };
  };
}

/** The console page, bundled in memory; a page that fails to build is reported at / and the hub runs on. */
function consolePage(log: Logger) {
  return loadConsolePage().catch((error: unknown) => {
    log.error({ err: error }, 'console page could not be built');
    return error instanceof Error ? error : new Error(String(error));
  });
}

/**
 * The hub's features in start order; they stop in reverse. Kafka first and last; the registry
 * before what looks devices up; commands' history read before they are served; the fleet view
 * whole before its first snapshot; the HTTP server once every route is ready, the console on it.
 */
function hubFeatures(config: Config, operatorToken: string, metrics: HubMetrics, log: Logger) {
  const { topicPrefix } = config.kafka;
  const topics = kafkaTopicNames(topicPrefix);
  const kafka = new KafkaFeature(
    {
      kafka: config.kafka,
      clientId: config.kafka.clientId ?? `hub-${hostname()}`,
      logger: log,
      // Everything the hub writes is bounded; a record that still does not fit fails loudly here.
      onMisfit: (misfit) => log.error({ misfit }, 'a record the hub built is too large for Kafka; not sent'),
    },
    { health: kafkaHealth(metrics), onConnection: (up) => metrics.kafkaConnected.set(up ? 1 : 0) },
  );
  const shared = { kafka: kafka.port, producer: kafka.producer, topics, logger: log };
  const devices = new DevicesFeature({ ...shared, topicPrefix, metrics });
  const monitor = { registry: metrics.registry, consumerMonitor: metrics.kafkaConsumers };
  const commands = new CommandsFeature({ ...shared, devices: devices.registry, config, ...monitor });
  const influx = createInfluxClient(config.influx.url, { requestTimeoutMs: 10_000 });
  const fleet = new FleetFeature({
    ...shared,
    topicPrefix,
    registry: devices.registry,
    store: new InfluxFleetStore(influx.influx, influx.database),
    metricsRegistry: metrics.registry,
    consumerMonitor: metrics.kafkaConsumers,
  });
  // Alerts reach consoles of every hub through iot.alerts, which the fleet view reads.
  const maintenance = new MaintenanceFeature({
    ...shared,
    config,
    registry: devices.registry,
    metricsRegistry: metrics.registry,
    consumerMonitor: metrics.kafkaConsumers,
  });
  const serving: Feature<Route>[] = [kafka, devices, commands, fleet, maintenance];
  const page = consolePage(log);
  const http = new HttpFeature({
    host: config.hub.host,
    port: config.hub.port,
    operatorToken,
    routes: async () => [
      ...opsRoutes(() => healthOf(serving), metrics.registry),
      ...serving.flatMap((f) => f.routes ?? []),
      ...webRoutes(await page),
    ],
    metrics,
    logger: log,
  });
  const operatorConsole = new ConsoleFeature({ http, operatorToken, commands, fleet, metrics, logger: log });
  return { features: [...serving, http, operatorConsole], http };
}

/**
 * The hub's composition root. `config.hub.operatorToken` must be set; hub/main.ts fills it in
 * (generating one in development) before calling this.
 */
export async function startHub(config: Config, log: Logger): Promise<RunningHub> {
  const token = config.hub.operatorToken;
  if (token === undefined) throw new Error('startHub needs config.hub.operatorToken');
  const { features, http } = hubFeatures(config, token, new HubMetrics(), log);
  const started = await startFeatures(features, log);

  const ports = { http: http.port() };
  log.info({ ports, topicPrefix: config.kafka.topicPrefix }, 'hub listening');
  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop requested'): Promise<void> =>
    (stopping ??= (async () => {
      log.info({ reason }, 'hub stopping');
      await started.stop();
      log.info('hub stopped');
    })());
  return { ports, stop };
}
