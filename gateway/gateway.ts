import { hostname } from 'node:os';
import { Partitioners } from 'kafkajs';
import type { Aedes, Client } from 'aedes';
import { kafkaTopicNames } from '../contracts/index.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../common/logger.js';
import { createKafka } from '../common/kafka/client.js';
import { producerSink } from '../common/kafka/producer-sink.js';
import { RecordBatcher } from '../common/kafka/record-batcher.js';
import { DEFAULT_MAX_REQUEST_BYTES, batchBytesFor, readRecordLimits } from '../common/kafka/record-limits.js';
import { RenewableProducer } from '../common/kafka/renewable-producer.js';
import { ensureTopics } from '../common/kafka/topics.js';
import { retryKafkaStartup } from '../common/kafka/startup-retry.js';
import type { DeviceAuthenticator } from './auth/authenticator.js';
import { OpenAuthenticator } from './auth/open-authenticator.js';
import { RegistryAuthenticator } from './auth/registry-authenticator.js';
import { TokenBuckets } from './auth/token-buckets.js';
import { LegacyScryptVerifier } from './auth/legacy-scrypt.js';
import { RefusalLog, withRefusalLog } from './auth/refusal-log.js';
import { DeviceRegistryView } from '../common/registry/device-registry.js';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createDeviceBroker } from './broker/device-broker.js';
import { startOpsServer, type OpsServer } from './http/ops-server.js';
import {
  listenMqttSecureWebSocket,
  listenMqttTcp,
  listenMqttTls,
  listenMqttWebSocket,
  type Listener,
  type ListenerPolicy,
} from './listeners.js';
import { GatewayMetrics } from './metrics.js';
import { Boundary } from './safety/boundary.js';
import { PendingConnections } from './admission/pending-connections.js';
import { connectPacketLimit } from './broker/connect-policy.js';
import { PresenceTracker } from './presence.js';
import { PresenceFollower } from './presence-follower.js';
import { CommandFeed } from '../common/kafka/command-feed.js';
import { Downlink } from './downlink/downlink.js';

export interface RunningGateway {
  id: string;
  ports: { mqtt?: number; mqttWs?: number; mqtts?: number; mqttWss?: number; http: number };
  broker: Aedes;
  /** Stops accepting, flushes to Kafka, closes clients; resolves when everything is closed. */
  stop(reason?: string): Promise<void>;
}

// aedes keeps its clients and their pause() out of its type declarations.
type PausableClient = Client & { pause(): void; close(): void };
function brokerClients(broker: Aedes): Record<string, PausableClient> {
  return (broker as unknown as { clients: Record<string, PausableClient> }).clients;
}

export function defaultGatewayId(port: number): string {
  return `${hostname().replace(/[^A-Za-z0-9_.:-]/g, '-')}-${port}`;
}

function openAuthenticator(logger: Logger): DeviceAuthenticator {
  logger.warn(
    'DEVICE_AUTH=none: any client whose id is a valid device id may connect without credentials. ' +
      'Use this for local development only.',
  );
  return new OpenAuthenticator();
}

async function readTls(config: Config): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  const { tlsCertFile, tlsKeyFile } = config.mqtt;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return undefined;
  return { cert: await readFile(tlsCertFile), key: await readFile(tlsKeyFile) };
}

export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const gatewayId = config.gateway.id ?? defaultGatewayId(config.mqtt.port);
  const log = logger.child({ gatewayId });
  const topics = kafkaTopicNames(config.kafka.topicPrefix);
  const metrics = new GatewayMetrics(gatewayId);
  const boundary = new Boundary(metrics.internalErrors, log);
  const tls = await readTls(config);

  const kafka = createKafka(
    {
      clientId: config.kafka.clientId ?? `gateway-${gatewayId}`,
      brokers: config.kafka.brokers,
      connectionTimeoutMs: config.kafka.connectionTimeoutMs,
      requestTimeoutMs: config.kafka.requestTimeoutMs,
    },
    log,
  );
  const created = await retryKafkaStartup(
    'creating topics',
    async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        return await ensureTopics(admin, {
          prefix: config.kafka.topicPrefix,
          partitions: config.kafka.partitions,
          replicationFactor: config.kafka.replicationFactor,
        });
      } finally {
        await admin.disconnect();
      }
    },
    log,
  );
  if (created.length > 0) log.info({ topics: created }, 'created Kafka topics');
  // The cluster may take smaller records than Kafka's default; what does not fit is refused here.
  const limits = await retryKafkaStartup(
    'reading record size limits',
    async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        return await readRecordLimits(admin, Object.values(topics), {
          maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
          onFallback: (what, error) => log.warn({ err: error }, `could not read ${what}; using a fallback`),
        });
      } finally {
        await admin.disconnect();
      }
    },
    log,
  );

  // Devices are refused until the registry is loaded: listeners open only after this.
  let registry: DeviceRegistryView | undefined;
  let authenticator: DeviceAuthenticator;
  if (config.auth.device === 'none') {
    authenticator = openAuthenticator(log);
  } else {
    registry = new DeviceRegistryView(
      kafka,
      topics.devices,
      `${config.kafka.topicPrefix}.gateway-registry.${gatewayId}.${randomBytes(4).toString('hex')}`,
      log.child({ component: 'registry' }),
      metrics.kafkaConsumers,
    );
    await registry.start();
    const legacy = registry.list().filter((r) => r.secretHash.startsWith('scrypt$')).length;
    if (legacy > 0) {
      log.warn(
        { devices: legacy },
        'devices with legacy scrypt secret hashes: their logins cost scrypt and a flood of wrong ' +
          'secrets can delay them; rotate their secrets (npm run devices -- rotate ID)',
      );
    }
    const failedLogins = config.gateway.failedLoginsPerClientPerMinute;
    authenticator = new RegistryAuthenticator(registry, {
      legacy: new LegacyScryptVerifier({
        failuresPerClient: new TokenBuckets(failedLogins, failedLogins / 60),
      }),
    });
  }
  const refusals = new RefusalLog(log.child({ component: 'auth' }));
  authenticator = withRefusalLog(authenticator, refusals);
  // Spent only by CONNECTs that proved the secret (the broker's authenticate hook asks after
  // authentication): it stops a reconnect loop or two clones of a device taking turns, and nobody
  // without the secret can use it up.
  const connectBuckets = new TokenBuckets(
    config.gateway.connectsPerClientPerMinute,
    config.gateway.connectsPerClientPerMinute / 60,
  );
  const connectsPerClient = {
    take(clientId: string): boolean {
      if (connectBuckets.take(clientId)) return true;
      refusals.refused(clientId, 'too many connects for this client id');
      return false;
    },
  };

  const producer = new RenewableProducer(
    () =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    () =>
      log.warn('replaced the Kafka producer: a refused batch left its sequence numbers behind the broker'),
  );
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
      // Under the request limit and every topic's max.message.bytes, with room for the framing.
      maxBatchBytes: batchBytesFor(
        [topics.telemetry, topics.events, topics.presence, topics.commandStatus, topics.deadLetter],
        limits,
        900_000,
      ),
      limits,
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
        const perTopic = new Map<string, number>();
        for (const r of records) perTopic.set(r.topic, (perTopic.get(r.topic) ?? 0) + 1);
        for (const [topic, count] of perTopic) metrics.recordsProduced.inc({ topic }, count);
      },
      onBatchFailed: (error, attempt, retryInMs) => {
        kafkaState = 'failing';
        lastSendError = error instanceof Error ? error.message : String(error);
        metrics.kafkaConnected.set(0);
        metrics.sendFailures.inc();
        log.warn({ err: lastSendError, attempt, retryInMs }, 'Kafka send failed; retrying');
      },
      onQueuedBytes: (bytes) => metrics.bytesInFlight.set(bytes),
      onRejected: (record, error) => {
        metrics.recordsRejected.inc({ topic: record.topic, reason: error.reason });
        log.warn(
          { topic: record.topic, key: record.key, err: error.message },
          'Kafka record rejected for good',
        );
      },
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
      deadLetter: { maxPayloadBytes: config.gateway.deadLetterMaxPayloadBytes, limits },
      jsonLimits: {
        maxDepth: config.gateway.jsonMaxDepth,
        maxNodes: config.gateway.jsonMaxNodes,
        maxArrayLength: config.gateway.jsonMaxArrayLength,
        maxStringLength: config.gateway.jsonMaxStringLength,
        maxKeyLength: config.gateway.jsonMaxKeyLength,
      },
    },
    {
      batcher,
      authenticator,
      metrics,
      logger: log.child({ component: 'broker' }),
      boundary,
      admitConnect: (clientId) => connectsPerClient.take(clientId),
      commands: {
        knows: (deviceId, commandId) => downlink.knows(deviceId, commandId),
        finished: (status) => downlink.finished(status),
        mayForward: (topic, payload) => downlink.mayForward(topic, payload),
      },
    },
  );
  registry?.on(
    'change',
    boundary.guard('registry_change', (deviceId, record, previous) => {
      const client = brokerClients(broker)[deviceId];
      if (!client) return;
      if (record === null || record.secretHash !== previous?.secretHash) {
        log.info(
          { deviceId, reason: record === null ? 'deleted' : 'secret rotated' },
          'disconnecting device',
        );
        client.close();
      }
    }),
  );
  const downlink: Downlink = new Downlink(
    broker,
    new CommandFeed(
      kafka,
      topics,
      `${config.kafka.topicPrefix}.gateway-commands.${gatewayId}.${randomBytes(4).toString('hex')}`,
      log.child({ component: 'command-feed' }),
      metrics.kafkaConsumers,
    ),
    batcher,
    {
      gatewayId,
      topics,
      historyMs: config.commands.maxTtlMs,
      maxOpenCommandsPerDevice: config.gateway.maxOpenCommandsPerDevice,
      onCommandDropped: () => metrics.rejections.inc({ reason: 'too_many_open_commands' }),
    },
    log.child({ component: 'downlink' }),
  );
  await downlink.start();
  const presenceFollower = new PresenceFollower(
    kafka,
    topics.presence,
    `${config.kafka.topicPrefix}.gateway-presence.${gatewayId}.${randomBytes(4).toString('hex')}`,
    gatewayId,
    metrics.kafkaConsumers,
    log.child({ component: 'presence-follower' }),
  );
  await presenceFollower.start();
  const presence = new PresenceTracker(
    broker,
    batcher,
    { gatewayId, topics },
    metrics,
    log,
    Date.now,
    presenceFollower,
  );
  presence.start();

  const perAddress = new TokenBuckets(
    config.gateway.connectsPerIpPerSecond * 2,
    config.gateway.connectsPerIpPerSecond,
  );
  const policy: ListenerPolicy = {
    host: config.mqtt.host,
    maxConnections: config.gateway.maxConnections,
    maxPacketBytes: config.gateway.maxPacketBytes,
    connectMaxBytes: Math.min(
      config.gateway.maxPacketBytes,
      connectPacketLimit(config.gateway.maxPayloadBytes),
    ),
    handshakeTimeoutMs: config.gateway.handshakeTimeoutMs,
    pending: new PendingConnections(config.gateway.maxPendingConnectionsPerAddress),
    onRefused: (reason, error) => {
      metrics.connectionsRefused.inc({ reason });
      if (reason === 'socket_handler_failed') boundary.failed('socket_handler', error);
    },
    admit: (address) => {
      if (
        broker.connectedClients >= config.gateway.maxConnections ||
        !perAddress.take(address ?? 'unknown')
      ) {
        metrics.rejections.inc({ reason: 'connection_refused' });
        return false;
      }
      return true;
    },
    onOversizedPacket: () => metrics.rejections.inc({ reason: 'packet_too_large' }),
  };
  const ports: RunningGateway['ports'] = { http: 0 };
  const listeners: Listener[] = [];
  if (config.mqtt.plainListeners === 'on') {
    listeners.push(await listenMqttTcp(broker, config.mqtt.port, policy));
    listeners.push(await listenMqttWebSocket(broker, config.mqtt.wsPort, policy));
  }
  if (tls) {
    listeners.push(await listenMqttTls(broker, config.mqtt.tlsPort, policy, tls));
    listeners.push(await listenMqttSecureWebSocket(broker, config.mqtt.wssPort, policy, tls));
  }
  const portKeys = { mqtt: 'mqtt', 'mqtt-ws': 'mqttWs', mqtts: 'mqtts', 'mqtt-wss': 'mqttWss' } as const;
  for (const listener of listeners) ports[portKeys[listener.name as keyof typeof portKeys]] = listener.port();
  const ops: OpsServer = await startOpsServer(
    config.gateway.httpPort,
    config.mqtt.host,
    () => {
      const consumers = metrics.kafkaConsumers.report();
      return {
        healthy: kafkaState === 'connected' && !broker.closed && consumers.healthy,
        gatewayId,
        deviceAuth: config.auth.device,
        ...(registry ? { registry: { loaded: registry.isLoaded, devices: registry.size } } : {}),
        kafka: {
          state: kafkaState,
          ...(lastSendError ? { lastError: lastSendError } : {}),
          consumers: consumers.consumers,
        },
        connections: broker.connectedClients,
        queuedRecords: batcher.recordsQueued,
        queuedBytes: batcher.bytesQueued,
      };
    },
    metrics.registry,
  );

  ports.http = ops.port();
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
      await presenceFollower.stop().catch(() => undefined);
      await downlink.stop().catch(() => undefined);
      await registry?.stop().catch(() => undefined);
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
