import { hostname } from 'node:os';
import { Partitioners, type Producer } from 'kafkajs';
import type { Aedes, Client } from 'aedes';
import { kafkaTopicNames } from '../contracts/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../common/logger.js';
import { createKafka } from '../common/kafka/client.js';
import { producerSink } from '../common/kafka/producer-sink.js';
import { RecordBatcher } from '../common/kafka/record-batcher.js';
import { ensureTopics } from '../common/kafka/topics.js';
import type { DeviceAuthenticator } from './auth/authenticator.js';
import { OpenAuthenticator } from './auth/open-authenticator.js';
import { createDeviceBroker } from './broker/device-broker.js';
import { startOpsServer, type OpsServer } from './http/ops-server.js';
import { listenMqttTcp, listenMqttWebSocket, type Listener } from './listeners.js';
import { GatewayMetrics } from './metrics.js';
import { PresenceTracker } from './presence.js';

export interface RunningGateway {
  id: string;
  ports: { mqtt: number; mqttWs: number; http: number };
  broker: Aedes;
  /** Stops accepting, flushes to Kafka, closes clients; resolves when everything is closed. */
  stop(reason?: string): Promise<void>;
}

// aedes keeps its clients and their pause() out of its type declarations.
type PausableClient = Client & { pause(): void };
function brokerClients(broker: Aedes): Record<string, PausableClient> {
  return (broker as unknown as { clients: Record<string, PausableClient> }).clients;
}

export function defaultGatewayId(port: number): string {
  return `${hostname().replace(/[^A-Za-z0-9_.:-]/g, '-')}-${port}`;
}

async function chooseAuthenticator(config: Config, logger: Logger): Promise<DeviceAuthenticator> {
  if (config.auth.device === 'none') {
    logger.warn(
      'DEVICE_AUTH=none: any client whose id is a valid device id may connect without credentials. ' +
        'Use this for local development only.',
    );
    return new OpenAuthenticator();
  }
  return Promise.reject(
    new Error(
      'DEVICE_AUTH=registry is not available in this build yet; set DEVICE_AUTH=none for local development',
    ),
  );
}

export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const gatewayId = config.gateway.id ?? defaultGatewayId(config.mqtt.port);
  const log = logger.child({ gatewayId });
  const topics = kafkaTopicNames(config.kafka.topicPrefix);
  const metrics = new GatewayMetrics(gatewayId);
  const authenticator = await chooseAuthenticator(config, log);

  const kafka = createKafka(
    {
      clientId: config.kafka.clientId ?? `gateway-${gatewayId}`,
      brokers: config.kafka.brokers,
      connectionTimeoutMs: config.kafka.connectionTimeoutMs,
      requestTimeoutMs: config.kafka.requestTimeoutMs,
    },
    log,
  );
  const admin = kafka.admin();
  await admin.connect();
  const created = await ensureTopics(admin, {
    prefix: config.kafka.topicPrefix,
    partitions: config.kafka.partitions,
    replicationFactor: config.kafka.replicationFactor,
  });
  if (created.length > 0) log.info({ topics: created }, 'created Kafka topics');
  await admin.disconnect();

  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let kafkaState: 'connected' | 'disconnected' | 'failing' = 'disconnected';
  let lastSendError: string | undefined;
  producer.on(producer.events.CONNECT, () => (kafkaState = 'connected'));
  producer.on(producer.events.DISCONNECT, () => (kafkaState = 'disconnected'));
  await producer.connect();
  metrics.kafkaConnected.set(1);

  const batcher = new RecordBatcher(
    producerSink(producer),
    {
      lingerMs: config.gateway.lingerMs,
      maxBatchRecords: config.gateway.maxBatchRecords,
      // Under Kafka's default 1 MiB request limit, with room for the batch framing.
      maxBatchBytes: 900_000,
      maxBestEffortBytes: config.gateway.qos0BufferBytes,
      retryBackoff: { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.2 },
    },
    {
      onBatchSent: (records, seconds) => {
        kafkaState = 'connected';
        lastSendError = undefined;
        metrics.kafkaConnected.set(1);
        metrics.sendDuration.observe(seconds);
        metrics.batchSize.observe(records.length);
        for (const r of records) metrics.recordsProduced.inc({ topic: r.topic });
      },
      onBatchFailed: (error, attempt, retryInMs) => {
        kafkaState = 'failing';
        lastSendError = error instanceof Error ? error.message : String(error);
        metrics.kafkaConnected.set(0);
        metrics.sendFailures.inc();
        log.warn({ err: lastSendError, attempt, retryInMs }, 'Kafka send failed; retrying');
      },
      onQueuedBytes: (bytes) => metrics.bytesInFlight.set(bytes),
    },
  );

  const broker = await createDeviceBroker(
    {
      gatewayId,
      topics,
      maxPayloadBytes: config.gateway.maxPayloadBytes,
      maxInflightBytes: config.gateway.maxInflightBytes,
      connectTimeoutMs: config.gateway.connectTimeoutMs,
      drainTimeoutMs: config.gateway.drainTimeoutMs,
      keepaliveLimitS: 3600,
    },
    { batcher, authenticator, metrics, logger: log.child({ component: 'broker' }) },
  );
  const presence = new PresenceTracker(broker, batcher, { gatewayId, topics }, metrics, log);
  presence.start();

  const listeners: Listener[] = [
    await listenMqttTcp(broker, config.mqtt.port, config.mqtt.host, config.gateway.maxConnections),
    await listenMqttWebSocket(
      broker,
      config.mqtt.wsPort,
      config.mqtt.host,
      config.gateway.maxPayloadBytes + 1024,
    ),
  ];
  const ops: OpsServer = await startOpsServer(
    config.gateway.httpPort,
    config.mqtt.host,
    () => ({
      healthy: kafkaState === 'connected' && !broker.closed,
      gatewayId,
      kafka: { state: kafkaState, ...(lastSendError ? { lastError: lastSendError } : {}) },
      connections: broker.connectedClients,
      queuedRecords: batcher.recordsQueued,
      queuedBytes: batcher.bytesQueued,
    }),
    metrics.registry,
  );

  const ports = { mqtt: listeners[0]?.port() ?? 0, mqttWs: listeners[1]?.port() ?? 0, http: ops.port() };
  log.info({ ports, topicPrefix: config.kafka.topicPrefix }, 'gateway listening');

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop requested'): Promise<void> => {
    stopping ??= (async () => {
      const deadline = config.gateway.shutdownTimeoutMs;
      log.info({ reason }, 'gateway stopping: no new connections, flushing to Kafka');
      const started = Date.now();
      const remaining = (): number => Math.max(0, deadline - (Date.now() - started));
      const closingListeners = Promise.all(listeners.map((l) => l.close()));
      // Read nothing more from devices, then flush, so that what reached Kafka is PUBACKed
      // before the connections close; a device resends anything it did not see acknowledged.
      for (const client of Object.values(brokerClients(broker))) client.pause();
      if (!(await batcher.flushWithin(remaining() / 2)))
        log.warn('Kafka flush timed out; unacknowledged messages will be resent by devices');
      presence.beginShutdown();
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await closingListeners;
      await batcher.close(remaining());
      await presence.settled();
      await producer
        .disconnect()
        .catch((error: unknown) => log.warn({ err: error }, 'producer disconnect failed'));
      await ops.close();
      log.info('gateway stopped');
    })();
    return stopping;
  };

  return { id: gatewayId, ports, broker, stop };
}
