import { withCleanup } from './cleanup.js';
import { telemetryPayload } from './devices.js';
import { startBenchGateway, type GatewaySettings } from './gateway.js';
import { DRAIN_TIMEOUT_MS, runPhase, type PhaseContext, type PhaseReport } from './ingest-phase.js';
import { BENCH_PARTITIONS, openKafkaScope } from './kafka-scope.js';
import { runPacedLoad, runWindowLoad } from './load.js';
import { progress } from './progress.js';
import { TelemetryProbe } from './telemetry-probe.js';
import { localKafkaBrokerPid } from './usage.js';

export interface IngestOptions {
  brokers: string[];
  devices: number;
  /** Length of each measured phase. */
  seconds: number;
  warmupSeconds: number;
  /** QoS 1 messages each device keeps unacknowledged in the maximum-rate phase. */
  window: number;
  /** The paced QoS 1 phase offers this fraction of the measured maximum. */
  qos1Load: number;
  /** The paced QoS 0 phase offers this fraction of the measured QoS 1 maximum. */
  qos0Load: number;
  /** Uncompleted messages one device may have in a paced phase before it skips sends. */
  maxOutstandingPerDevice: number;
  /** `max`: only the QoS 1 maximum (what the limits scenario needs when run alone). */
  phases: 'all' | 'max';
}

/** Device-to-Kafka-consumer p99 the paced QoS 1 phase is held to. */
export const P99_TARGET_MS = 50;

export interface IngestReport extends Record<string, unknown> {
  scenario: 'ingest';
  parameters: Record<string, unknown>;
  qos1Max: PhaseReport;
  qos1Paced?: {
    fractionOfMax: number;
    targetPerSecond: number;
    p99TargetMs: number;
    p99TargetMet: boolean;
  } & PhaseReport;
  qos0Paced?: {
    fractionOfQos1Max: number;
    targetPerSecond: number;
    /** Published by the devices and not in Kafka after the drain. */
    notInKafka: number;
    qos0DroppedByGateway: number;
  } & PhaseReport;
}

/**
 * N mqtt.js devices publish telemetry through one gateway process into Kafka, where a consumer in
 * this process measures device-to-consumer latency from the send time in the payload. Phases: QoS 1
 * at the maximum a window of unacknowledged messages per device gives, QoS 1 paced at a fraction of
 * that maximum, QoS 0 paced; each with its own device ids, so its records are counted apart.
 */
export function runIngest(options: IngestOptions): Promise<IngestReport> {
  return withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'ingest', cleanup);
    const gateway = await startBenchGateway(scope, options.brokers, cleanup);
    const probe = await TelemetryProbe.start(scope.kafka, scope.topics.telemetry, `${scope.prefix}.probe`);
    cleanup.add('probe consumer', () => probe.stop());
    const kafkaPid = await localKafkaBrokerPid();
    const ctx: PhaseContext = { devices: options.devices, scope, gateway, probe, kafkaPid };
    const windowLoad = (seconds: number) => (devices: Parameters<typeof runWindowLoad>[0]) =>
      runWindowLoad(devices, options.window, seconds);

    progress(`ingest: warm-up, ${options.devices} devices, QoS 1, ${options.warmupSeconds} s`);
    await runPhase(ctx, 'warm', 1, 'window', windowLoad(options.warmupSeconds));
    progress(`ingest: QoS 1 maximum, window ${options.window} per device, ${options.seconds} s`);
    const qos1Max = await runPhase(ctx, 'max', 1, 'window', windowLoad(options.seconds));
    progress(`ingest: QoS 1 maximum ${qos1Max.recordsPerSecond} records/s`);
    const report: IngestReport = {
      scenario: 'ingest',
      parameters: parameters(options, gateway.settings),
      qos1Max,
    };
    if (options.phases === 'max') return report;

    const paced = (tag: string, qos: 0 | 1, ratePerSecond: number) => {
      progress(`ingest: QoS ${qos} paced at ${ratePerSecond}/s, ${options.seconds} s`);
      return runPhase(ctx, tag, qos, 'paced', (devices) =>
        runPacedLoad(devices, {
          ratePerSecond,
          seconds: options.seconds,
          qos,
          maxOutstanding: options.maxOutstandingPerDevice,
          drainTimeoutMs: DRAIN_TIMEOUT_MS,
        }),
      );
    };
    const rateAt = (fraction: number): number => Math.max(1, Math.round(fraction * qos1Max.recordsPerSecond));

    const q1Rate = rateAt(options.qos1Load);
    const q1 = await paced('paced1', 1, q1Rate);
    const p99 = q1.latencyMs.deviceToKafkaConsumer.p99;
    report.qos1Paced = {
      fractionOfMax: options.qos1Load,
      targetPerSecond: q1Rate,
      p99TargetMs: P99_TARGET_MS,
      p99TargetMet: q1.latencyMs.deviceToKafkaConsumer.count > 0 && p99 <= P99_TARGET_MS,
      ...q1,
    };
    const q0Rate = rateAt(options.qos0Load);
    const q0 = await paced('paced0', 0, q0Rate);
    report.qos0Paced = {
      fractionOfQos1Max: options.qos0Load,
      targetPerSecond: q0Rate,
      notInKafka: q0.published - q0.recordsInKafka,
      qos0DroppedByGateway: q0.gatewayKafka.qos0Dropped,
      ...q0,
    };
    return report;
  });
}

function parameters(options: IngestOptions, settings: GatewaySettings): Record<string, unknown> {
  return {
    devices: options.devices,
    secondsPerPhase: options.seconds,
    warmupSeconds: options.warmupSeconds,
    window: options.window,
    qos1Load: options.qos1Load,
    qos0Load: options.qos0Load,
    maxOutstandingPerDevice: options.maxOutstandingPerDevice,
    payloadBytes: Buffer.byteLength(telemetryPayload(1234, Date.now())),
    partitions: BENCH_PARTITIONS,
    brokers: options.brokers,
    gateway: settings,
    deviceSockets: 'TCP_NODELAY, as the gateway sets on its side',
    loadGenerator: 'mqtt.js clients and a kafkajs consumer in the bench process, on the same cores',
  };
}
