import { hostname } from 'node:os';
import { readFile } from 'node:fs/promises';
import type { Aedes } from 'aedes';
import type { Config } from '../config/index.js';
import type { Logger } from '../common/logger.js';
import { KafkaFeature } from '../common/kafka/kafka-feature.js';
import { healthOf, startFeatures, type Feature } from '../common/process/feature.js';
import { AdmissionFeature, type MqttPorts } from './admission/admission-feature.js';
import type { GatewayContext } from './context.js';
import { DownlinkFeature } from './downlink-feature.js';
import { OpsFeature } from './http/ops-feature.js';
import type { TlsMaterial } from './listeners.js';
import { GatewayMetrics } from './metrics.js';
import { PresenceFeature } from './presence-feature.js';
import { RegistrySync } from './registry-sync.js';
import { Boundary } from './safety/boundary.js';
import { UplinkFeature } from './uplink/uplink-feature.js';

export interface RunningGateway {
  id: string;
  ports: MqttPorts & { http: number };
  broker: Aedes;
  /** Stops accepting, flushes to Kafka, closes clients; resolves when everything is closed. */
  stop(reason?: string): Promise<void>;
}

export function defaultGatewayId(port: number): string {
  return `${hostname().replace(/[^A-Za-z0-9_.:-]/g, '-')}-${port}`;
}

async function readTls(config: Config): Promise<TlsMaterial | undefined> {
  const { tlsCertFile, tlsKeyFile } = config.mqtt;
  if (tlsCertFile === undefined || tlsKeyFile === undefined) return undefined;
  return { cert: await readFile(tlsCertFile), key: await readFile(tlsKeyFile) };
}

/**
 * The gateway's features in start order; they stop in reverse. Operators' endpoints come up first
 * and go down last; Kafka is connected before anything reads or writes it; the registry is loaded
 * before devices are authenticated; devices are admitted last, once commands and presence run, and
 * their admission stops first, draining what they sent into Kafka.
 */
function gatewayFeatures(ctx: GatewayContext, tls: TlsMaterial | undefined) {
  const { config, gatewayId, log, metrics } = ctx;
  const kafka = new KafkaFeature({
    kafka: config.kafka,
    clientId: config.kafka.clientId ?? `gateway-${gatewayId}`,
    logger: log,
  });
  // Devices are refused until the registry is loaded: listeners open only after it.
  const registry = config.auth.device === 'none' ? undefined : new RegistrySync(ctx, kafka);
  // The broker checks device results against the downlink's commands, which exist once it started.
  const uplink: UplinkFeature = new UplinkFeature(ctx, kafka, registry, () => downlink.commands);
  const downlink: DownlinkFeature = new DownlinkFeature(ctx, kafka, uplink);
  const presence = new PresenceFeature(ctx, kafka, uplink);
  const admission = new AdmissionFeature(ctx, tls, uplink, presence, registry);
  const features: Feature[] = [];
  const report = () => healthOf(features, { gatewayId, deviceAuth: config.auth.device });
  const ops = new OpsFeature(config.gateway.httpPort, config.mqtt.host, report, metrics.registry);
  features.push(ops, kafka, ...(registry ? [registry] : []), uplink, downlink, presence, admission);
  return { features, ops, uplink, admission };
}

export async function startGateway(config: Config, logger: Logger): Promise<RunningGateway> {
  const gatewayId = config.gateway.id ?? defaultGatewayId(config.mqtt.port);
  const log = logger.child({ gatewayId });
  const metrics = new GatewayMetrics(gatewayId);
  const ctx: GatewayContext = {
    config,
    gatewayId,
    log,
    metrics,
    boundary: new Boundary(metrics.internalErrors, log),
  };
  const { features, ops, uplink, admission } = gatewayFeatures(ctx, await readTls(config));
  const started = await startFeatures(features, log);

  const ports = { ...admission.ports, http: ops.listeningPort() };
  log.info({ ports, topicPrefix: config.kafka.topicPrefix }, 'gateway listening');
  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop requested'): Promise<void> =>
    (stopping ??= (async () => {
      log.info({ reason }, 'gateway stopping: no new connections, flushing to Kafka');
      await started.stop();
      log.info('gateway stopped');
    })());
  return { id: gatewayId, ports, broker: uplink.broker, stop };
}
