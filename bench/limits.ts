import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { compareBrokers } from './broker-comparison.js';
import { loadConfig } from '../config/index.js';
import { withCleanup } from './cleanup.js';
import { telemetryPayload } from './devices.js';
import { gatewaySettings } from './gateway.js';
import type { IngestOptions } from './ingest.js';
import { measureKafkaProducer } from './kafka-producer-limit.js';
import { openKafkaScope } from './kafka-scope.js';
import { MOSQUITTO_BIN, type MosquittoSettings } from './mosquitto.js';
import { measureMosquittoRelay } from './mosquitto-limit.js';
import { progress } from './progress.js';
import { ratio } from './ratio.js';
import { localKafkaBrokerPid } from './usage.js';

/** mosquitto relays everything: enough queue for a subscriber that falls behind, so nothing is dropped. */
export const MOSQUITTO_SETTINGS: MosquittoSettings = {
  maxInflightMessages: 100,
  maxQueuedMessages: 10_000_000,
};

export interface GatewayMaximum {
  recordsPerSecond: number;
  measuredIn: string;
}

export { ratio };

export interface LimitsOptions {
  /** Measurements of each broker in the gateway/baseline comparison, in interleaved order. */
  rounds: number;
  /** The paced load of the publish-to-PUBACK comparison, and how long each of its phases runs. */
  pacedPerSecond: number;
  pacedSeconds: number;
}

async function mosquittoVersion(): Promise<string | undefined> {
  const output = await promisify(execFile)(MOSQUITTO_BIN, ['-h']).then(
    (r) => r.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return /mosquitto version (\S+)/.exec(output)?.[1];
}

/**
 * What the gateway's QoS 1 maximum is worth on this machine: against bare aedes and a minimal
 * bridge under the same load in the same run (the ratios are the targets), the raw Kafka producer
 * rate for the same records and batching (the ceiling of the bridge), and a mosquitto broker
 * relaying the same MQTT load to one subscriber (an MQTT broker with no Kafka behind it).
 */
export async function runLimits(
  options: IngestOptions,
  gateway: GatewayMaximum | undefined,
  limits: LimitsOptions,
): Promise<Record<string, unknown>> {
  const settings = gatewaySettings({});
  const { comparison, kafkaProducer, mosquittoRelay } = await withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'limits', cleanup);
    const kafkaPid = await localKafkaBrokerPid();
    progress(`limits: gateway, minimal bridge and bare aedes, ${limits.rounds} round(s) interleaved`);
    const comparison = await compareBrokers(scope, {
      brokers: options.brokers,
      devices: options.devices,
      window: options.window,
      seconds: options.seconds,
      warmupSeconds: options.warmupSeconds,
      rounds: limits.rounds,
      pacedPerSecond: limits.pacedPerSecond,
      pacedSeconds: limits.pacedSeconds,
      pacedFractionOfGatewayMax: options.qos1Load,
      maxOutstandingPerDevice: options.maxOutstandingPerDevice,
      settings,
      kafkaPid,
      shippedClient: loadConfig({ env: process.env }).kafka.client,
    });
    progress(
      `limits: gateway (${comparison.shippedClient}) / minimal bridge on the same client ${comparison.gatewayOverMinimalBridge}, / kafkajs minimal bridge ${comparison.gatewayOverKafkajsMinimalBridge}, / bare aedes ${comparison.gatewayOverBareAedes}`,
    );
    progress(
      `limits: raw Kafka producer, ${options.devices} x ${options.window} records waiting, ${options.seconds} s`,
    );
    const kafkaProducer = await measureKafkaProducer(
      {
        kafka: scope.kafka,
        admin: scope.admin,
        topics: scope.topics,
        topic: `${scope.prefix}.raw-producer`,
        devices: options.devices,
        window: options.window,
        seconds: options.seconds,
        warmupSeconds: options.warmupSeconds,
        settings,
        kafkaPid,
      },
      cleanup,
    );
    progress(`limits: raw Kafka producer ${kafkaProducer.recordsPerSecond} records/s`);
    progress(
      `limits: mosquitto relaying ${options.devices} publishers to 1 subscriber, ${options.seconds} s`,
    );
    const mosquittoRelay = await measureMosquittoRelay(
      {
        devices: options.devices,
        window: options.window,
        seconds: options.seconds,
        warmupSeconds: options.warmupSeconds,
        settings: MOSQUITTO_SETTINGS,
      },
      cleanup,
    );
    progress(`limits: mosquitto ${mosquittoRelay.recordsPerSecond} messages/s`);
    return { comparison, kafkaProducer, mosquittoRelay };
  });
  const gatewayMax = gateway ?? {
    recordsPerSecond:
      comparison.absolute.qos1MaxPerSecond[
        comparison.shippedClient === 'platformatic' ? 'gatewayPlatformatic' : 'gatewayKafkajs'
      ].recordsPerSecond,
    measuredIn: 'limits (gateway in the baseline comparison)',
  };
  return {
    scenario: 'limits',
    parameters: {
      devices: options.devices,
      window: options.window,
      secondsPerPhase: options.seconds,
      warmupSeconds: options.warmupSeconds,
      payloadBytes: Buffer.byteLength(telemetryPayload(1234, Date.now())),
      kafkaProducer: {
        ...settings,
        acks: 'all',
        idempotent: true,
        maxInFlightRequests: 1,
        brokers: options.brokers,
      },
      minimalBridge: {
        broker: 'aedes 1.2, Aedes.createBroker() with no options, own process',
        hook: 'authorizePublish appends the gateway record (key = device id, same value and headers) to a batch',
        lingerMs: settings.lingerMs,
        maxBatchRecords: settings.maxBatchRecords,
        kafka:
          'kafkajs (acks=-1, idempotent, maxInFlightRequests 1) or @platformatic/kafka (acks=-1, idempotent, compatibilityPartitioner), one request in flight; done() on its ack',
      },
      bareAedes: 'aedes 1.2, Aedes.createBroker() with no options or hooks, no Kafka, own process',
      comparisonRounds: limits.rounds,
      mosquitto: { binary: MOSQUITTO_BIN, version: await mosquittoVersion(), ...MOSQUITTO_SETTINGS, qos: 1 },
    },
    shippedClient: comparison.shippedClient,
    gatewayOverMinimalBridge: comparison.gatewayOverMinimalBridge,
    gatewayOverKafkajsMinimalBridge: comparison.gatewayOverKafkajsMinimalBridge,
    gatewayOverBareAedes: comparison.gatewayOverBareAedes,
    platformaticOverKafkajs: comparison.platformaticOverKafkajs,
    baselines: comparison,
    gatewayQos1Max: gatewayMax,
    kafkaProducer,
    mosquittoRelay,
    gatewayToKafkaRatio: ratio(gatewayMax.recordsPerSecond, kafkaProducer.recordsPerSecond),
    gatewayToMosquittoRatio: ratio(gatewayMax.recordsPerSecond, mosquittoRelay.recordsPerSecond),
  };
}
