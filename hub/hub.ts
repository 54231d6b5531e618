import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Config } from '../config/index.js';
import { CONSOLE_PROTOCOL_VERSION, kafkaTopicNames } from '../contracts/index.js';
import type { Logger } from '../common/logger.js';
import { createKafka } from '../common/kafka/client.js';
import { ensureTopics } from '../common/kafka/topics.js';
import { withRecordLimits } from '../common/kafka/checked-producer.js';
import {
  DEFAULT_MAX_REQUEST_BYTES,
  readRecordLimits,
  type RecordLimits,
} from '../common/kafka/record-limits.js';
import { DeviceRegistryView } from '../common/registry/device-registry.js';
import { RegistryWriter } from '../common/registry/registry-writer.js';
import { generateSecret, hashSecret } from '../common/registry/secrets.js';
import { operatorAuthenticator } from './auth/operator-auth.js';
import { createTokenVerifier } from './auth/token.js';
import { CommandsFeature } from './commands/commands-feature.js';
import { serveCommandsOnConsole } from './commands/console.js';
import { ConsoleServer } from './console/console-server.js';
import { ConsoleMetrics } from './console/metrics.js';
import { DeviceService } from './devices/device-service.js';
import { deviceRoutes } from './devices/routes.js';
import { serveFleetOnConsole } from './fleet/fleet-console.js';
import { startMaintenance } from './maintenance/index.js';
import { FleetFeature } from './fleet/fleet-feature.js';
import { InfluxFleetStore } from './fleet/influx-store.js';
import { opsRoutes } from './http/ops-routes.js';
import type { Route } from './http/route.js';
import { startHttpServer } from './http/server.js';
import { createInfluxClient } from './influx/client.js';
import { HubMetrics } from './metrics.js';
import { loadConsolePage } from './web/page.js';
import { webRoutes } from './web/routes.js';

export interface RunningHub {
  ports: { http: number };
  /** Stops accepting requests, lets those in progress finish, closes Kafka; idempotent. */
  stop(reason?: string): Promise<void>;
}

/** Time requests in progress get to finish when the hub stops. */
export const HUB_SHUTDOWN_GRACE_MS = 10_000;
const REGISTRY_CATCH_UP_MS = 10_000;

type Closer = () => Promise<void>;

async function closeAll(closers: Closer[], log: Logger): Promise<void> {
  for (const close of closers.reverse()) {
    await close().catch((error: unknown) => log.warn({ err: error }, 'close failed during shutdown'));
  }
}

/** Creates the topics and reads the record size each takes, which the hub's writes are checked against. */
async function bootstrapTopics(kafka: Kafka, config: Config, log: Logger): Promise<RecordLimits> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const created = await ensureTopics(admin, {
      prefix: config.kafka.topicPrefix,
      partitions: config.kafka.partitions,
      replicationFactor: config.kafka.replicationFactor,
    });
    if (created.length > 0) log.info({ topics: created }, 'created Kafka topics');
    return await readRecordLimits(admin, Object.values(kafkaTopicNames(config.kafka.topicPrefix)), {
      maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
      onFallback: (what, error) => log.warn({ err: error }, `could not read ${what}; using a fallback`),
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * The hub's composition root. `config.hub.operatorToken` must be set; hub/main.ts fills it in
 * (generating one in development) before calling this.
 */
export async function startHub(config: Config, log: Logger): Promise<RunningHub> {
  const token = config.hub.operatorToken;
  if (token === undefined) throw new Error('startHub needs config.hub.operatorToken');
  const topics = kafkaTopicNames(config.kafka.topicPrefix);
  const metrics = new HubMetrics();
  const closers: Closer[] = [];

  try {
    const kafka = createKafka(
      {
        clientId: config.kafka.clientId ?? `hub-${hostname()}`,
        brokers: config.kafka.brokers,
        connectionTimeoutMs: config.kafka.connectionTimeoutMs,
        requestTimeoutMs: config.kafka.requestTimeoutMs,
      },
      log,
    );
    const limits = await bootstrapTopics(kafka, config, log);

    // Everything the hub writes is bounded; a record that still does not fit fails loudly here.
    const producer: Producer = withRecordLimits(
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
      limits,
      (misfit) => log.error({ misfit }, 'a record the hub built is too large for Kafka; not sent'),
    );
    let producerConnected = false;
    const setProducerConnected = (connected: boolean): void => {
      producerConnected = connected;
      metrics.kafkaConnected.set(connected ? 1 : 0);
    };
    producer.on(producer.events.CONNECT, () => setProducerConnected(true));
    producer.on(producer.events.DISCONNECT, () => setProducerConnected(false));
    await producer.connect();
    closers.push(() => producer.disconnect());

    // Offsets are never committed, so a group per process costs nothing and keeps every hub
    // reading the whole registry.
    const registry = new DeviceRegistryView(
      kafka,
      topics.devices,
      `${config.kafka.topicPrefix}.hub-registry.${randomUUID()}`,
      log.child({ component: 'registry' }),
      metrics.kafkaConsumers,
    );
    closers.push(() => registry.stop());
    await registry.start();

    registry.on('change', () => metrics.registryDevices.set(registry.size));
    metrics.registryDevices.set(registry.size);

    const devices = new DeviceService({
      feed: registry,
      store: new RegistryWriter(producer, topics.devices),
      secrets: { generate: generateSecret, hash: (secret) => hashSecret(secret) },
      now: Date.now,
      catchUpMs: REGISTRY_CATCH_UP_MS,
      logger: log.child({ component: 'devices' }),
    });

    // Commands: read the history window before serving, so lookups and expiry see all of it.
    const commands = new CommandsFeature({
      kafka,
      producer,
      topics,
      devices: registry,
      config,
      registry: metrics.registry,
      consumerMonitor: metrics.kafkaConsumers,
      logger: log,
    });
    closers.push(() => commands.stop());
    await commands.start();

    // The fleet view (registry, presence, alerts, telemetry, health from InfluxDB) and the console
    // page, bundled in memory; a page that fails to build is reported at / and the hub runs on.
    const influx = createInfluxClient(config.influx.url, { requestTimeoutMs: 10_000 });
    const fleet = new FleetFeature({
      kafka,
      topics,
      topicPrefix: config.kafka.topicPrefix,
      registry,
      store: new InfluxFleetStore(influx.influx, influx.database),
      metricsRegistry: metrics.registry,
      consumerMonitor: metrics.kafkaConsumers,
      logger: log,
    });
    closers.push(() => fleet.stop());
    const [page] = await Promise.all([
      loadConsolePage().catch((error: unknown) => {
        log.error({ err: error }, 'console page could not be built');
        return error instanceof Error ? error : new Error(String(error));
      }),
      fleet.start(),
    ]);

    // Predictive maintenance: a consumer group on telemetry shared by every hub process; alerts
    // reach consoles of every hub through iot.alerts (the fleet view reads it).
    const maintenance = startMaintenance({
      config,
      kafka,
      producer,
      logger: log,
      registry,
      metricsRegistry: metrics.registry,
      consumerMonitor: metrics.kafkaConsumers,
    });
    closers.push(() => maintenance.stop());

    const health = () => {
      const consumers = metrics.kafkaConsumers.report();
      return {
        healthy: producerConnected && registry.isLoaded && consumers.healthy,
        kafka: {
          producer: producerConnected ? 'connected' : 'disconnected',
          consumers: consumers.consumers,
        },
        registry: { loaded: registry.isLoaded, devices: registry.size },
        commands: commands.health(),
        fleet: { devices: fleet.state.size, online: fleet.state.onlineCount },
        maintenance: maintenance.status(),
      };
    };
    const routes: Route[] = [
      ...opsRoutes(health, metrics.registry),
      ...deviceRoutes(devices),
      ...commands.routes,
      ...fleet.routes,
      ...webRoutes(page),
    ];

    const http = await startHttpServer({
      host: config.hub.host,
      port: config.hub.port,
      routes,
      authenticate: operatorAuthenticator(token),
      logger: log.child({ component: 'http' }),
      observe: (route, method, status, seconds) => metrics.observeRequest(route, method, status, seconds),
      onAuthFailure: (reason) => metrics.authFailures.inc({ reason }),
    });
    closers.push(() => http.close(HUB_SHUTDOWN_GRACE_MS));

    // The operator console at /ws; features register their messages on it.
    const operatorConsole = new ConsoleServer({
      server: http.server,
      auth: { authenticate: operatorAuthenticator(token), verifyToken: createTokenVerifier(token) },
      hello: () => ({
        type: 'hello',
        protocol: CONSOLE_PROTOCOL_VERSION,
        serverTime: Date.now(),
        commands: commands.service.limits,
      }),
      logger: log.child({ component: 'console' }),
      metrics: new ConsoleMetrics(metrics.registry),
      onAuthFailure: (reason) => metrics.authFailures.inc({ reason }),
    });
    closers.push(() => operatorConsole.close());
    serveCommandsOnConsole(operatorConsole, commands.service, commands.tracker);
    serveFleetOnConsole(operatorConsole, fleet);

    const ports = { http: http.port() };
    log.info({ ports, topicPrefix: config.kafka.topicPrefix }, 'hub listening');

    let stopping: Promise<void> | undefined;
    const stop = (reason = 'stop requested'): Promise<void> => {
      stopping ??= (async () => {
        log.info({ reason }, 'hub stopping');
        await closeAll(closers, log);
        log.info('hub stopped');
      })();
      return stopping;
    };
    return { ports, stop };
  } catch (error) {
    await closeAll(closers, log);
    throw error;
  }
}
