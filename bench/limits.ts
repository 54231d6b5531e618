import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { withCleanup } from './cleanup.js';
import { telemetryPayload } from './devices.js';
import { gatewaySettings } from './gateway.js';
import { runIngest, type IngestOptions } from './ingest.js';
import { measureKafkaProducer } from './kafka-producer-limit.js';
import { openKafkaScope } from './kafka-scope.js';
import { MOSQUITTO_BIN, type MosquittoSettings } from './mosquitto.js';
import { measureMosquittoRelay } from './mosquitto-limit.js';
import { progress } from './progress.js';
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

export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? Math.round((numerator / denominator) * 1000) / 1000 : null;
}

async function mosquittoVersion(): Promise<string | undefined> {
  const output = await promisify(execFile)(MOSQUITTO_BIN, ['-h']).then(
    (r) => r.stdout,
    (error: { stdout?: string }) => error.stdout ?? '',
  );
  return /mosquitto version (\S+)/.exec(output)?.[1];
}

/**
 * What the gateway's QoS 1 maximum is worth on this machine: the raw Kafka producer rate for the
 * same records and batching (the ceiling of the bridge), and a mosquitto broker relaying the same
 * MQTT load to one subscriber (an MQTT broker with no Kafka behind it).
 */
export async function runLimits(
  options: IngestOptions,
  gateway: GatewayMaximum | undefined,
): Promise<Record<string, unknown>> {
  let gatewayMax = gateway;
  if (!gatewayMax) {
    progress('limits: measuring the gateway QoS 1 maximum first (the ingest scenario did not run)');
    const ingest = await runIngest({ ...options, phases: 'max' });
    gatewayMax = {
      recordsPerSecond: ingest.qos1Max.recordsPerSecond,
      measuredIn: 'limits (ingest QoS 1 maximum phase)',
    };
  }
  const settings = gatewaySettings({});
  const { kafkaProducer, mosquittoRelay } = await withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'limits', cleanup);
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
        kafkaPid: await localKafkaBrokerPid(),
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
    return { kafkaProducer, mosquittoRelay };
  });
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
      mosquitto: { binary: MOSQUITTO_BIN, version: await mosquittoVersion(), ...MOSQUITTO_SETTINGS, qos: 1 },
    },
    gatewayQos1Max: gatewayMax,
    kafkaProducer,
    mosquittoRelay,
    gatewayToKafkaRatio: ratio(gatewayMax.recordsPerSecond, kafkaProducer.recordsPerSecond),
    gatewayToMosquittoRatio: ratio(gatewayMax.recordsPerSecond, mosquittoRelay.recordsPerSecond),
  };
}
