import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Admin } from 'kafkajs';
import { startServiceProcess } from '../test/helpers/service-process.js';
import type { Cleanup } from './cleanup.js';
import { closeDevices, connectDevices, deviceIds, type BenchDevice } from './devices.js';
import { EVENT_LOOP_SAMPLING_MS } from './gateway-metrics.js';
import { endOffsetSum } from './kafka-scope.js';
import { latencySummary, type LatencySummary } from './latency.js';
import type { LoadResult } from './load.js';
import { UsageMeter, type UsageReport } from './usage.js';

export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClientName = (typeof KAFKA_CLIENTS)[number];

/** An MQTT broker the limits scenario puts the gateway's load on. */
export interface MqttTarget {
  url: string;
  pid: number;
  /** The Kafka topic its telemetry goes to, if any: its records are counted there. */
  topic?: string;
}

export interface BaselineOptions {
  brokers: string[];
  /** The minimal bridge's topic. */
  topic: string;
  gatewayId: string;
  lingerMs: number;
  maxBatchRecords: number;
  /** The minimal bridge's Kafka client. */
  client: KafkaClientName;
}

/** Starts `bench/baseline-broker.ts` (bare aedes or the minimal bridge) as its own process. */
export async function startBaseline(
  kind: 'bare' | 'bridge',
  options: BaselineOptions,
  cleanup: Cleanup,
): Promise<MqttTarget> {
  const service = await startServiceProcess(
    'bench/baseline-broker.ts',
    {
      ...process.env,
      BASELINE: kind,
      KAFKA_BROKERS: options.brokers.join(','),
      BRIDGE_TOPIC: options.topic,
      GATEWAY_ID: options.gatewayId,
      LINGER_MS: String(options.lingerMs),
      MAX_BATCH_RECORDS: String(options.maxBatchRecords),
      BRIDGE_CLIENT: options.client,
    },
    'baseline listening',
    60_000,
  );
  cleanup.add(`baseline ${kind}`, () => service.stop());
  return {
    url: `mqtt://127.0.0.1:${Number(service.ready.port)}`,
    pid: service.child.pid ?? 0,
    ...(kind === 'bridge' ? { topic: options.topic } : {}),
  };
}

export interface BrokerPhase {
  published: number;
  completed: number;
  failed: number;
  /** Paced: sends not made because the device already had its maximum outstanding. */
  skipped: number;
  seconds: number;
  /** Completions (QoS 1: PUBACKs, each after Kafka's acknowledgement where there is Kafka) per second. */
  recordsPerSecond: number;
  recordsInKafka?: number;
  publishToPubackMs: LatencySummary;
  /** Event-loop delay of this process (the load generator) beyond the 10 ms sampling. */
  loadGeneratorEventLoopDelayMs: { p50: number; p99: number };
  /** `broker` is the process under test, `loadGenerator` this one. */
  usage: Record<string, UsageReport>;
}

/**
 * Fresh devices tagged `tag` connect to `target`, `load` runs, they disconnect; CPU is measured over
 * the load only. The same for the gateway and the baselines, so their figures compare.
 */
export async function measureBroker(
  target: MqttTarget,
  tag: string,
  devices: number,
  admin: Admin,
  kafkaPid: number | undefined,
  load: (devices: BenchDevice[]) => Promise<LoadResult>,
): Promise<BrokerPhase> {
  const clients = await connectDevices(target.url, deviceIds(tag, devices));
  const offsetsBefore = target.topic === undefined ? 0 : await endOffsetSum(admin, target.topic);
  const meter = new UsageMeter({ broker: target.pid, kafkaBroker: kafkaPid, loadGenerator: process.pid });
  const loop = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLING_MS });
  meter.start();
  loop.enable();
  let result: LoadResult;
  let usage: Record<string, UsageReport>;
  try {
    result = await load(clients);
  } finally {
    usage = meter.stop();
    loop.disable();
    await closeDevices(clients);
  }
  const delay = (ns: number): number =>
    Math.max(0, Math.round((ns / 1e6 - EVENT_LOOP_SAMPLING_MS) * 10) / 10);
  return {
    published: result.published,
    completed: result.completed,
    failed: result.failed,
    skipped: result.skipped,
    seconds: Math.round(result.seconds * 100) / 100,
    recordsPerSecond: Math.round(result.completed / result.seconds),
    ...(target.topic === undefined
      ? {}
      : { recordsInKafka: (await endOffsetSum(admin, target.topic)) - offsetsBefore }),
    publishToPubackMs: latencySummary(result.ackLatency),
    loadGeneratorEventLoopDelayMs: { p50: delay(loop.percentile(50)), p99: delay(loop.percentile(99)) },
    usage,
  };
}
