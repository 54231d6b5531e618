import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeDevices, connectDevices, deviceIds, type BenchDevice } from './devices.js';
import type { BenchGateway } from './gateway.js';
import {
  EVENT_LOOP_SAMPLING_MS,
  gatewayEventLoopLag,
  gatewayKafkaBetween,
  scrapeGateway,
} from './gateway-metrics.js';
import { endOffsetSum, type KafkaScope } from './kafka-scope.js';
import { latencySummary, type LatencySummary } from './latency.js';
import type { LoadResult } from './load.js';
import type { TelemetryProbe } from './telemetry-probe.js';
import { UsageMeter, type UsageReport } from './usage.js';

/** How long a phase waits for its records to arrive in Kafka and at the probe. */
export const DRAIN_TIMEOUT_MS = 15_000;

export interface PhaseContext {
  devices: number;
  scope: KafkaScope;
  gateway: BenchGateway;
  probe: TelemetryProbe;
  kafkaPid: number | undefined;
}

export interface PhaseReport {
  qos: 0 | 1;
  load: 'window' | 'paced';
  offered: number;
  offeredPerSecond: number;
  published: number;
  /** QoS 1: PUBACKed (so in Kafka); QoS 0: written to the socket. */
  completed: number;
  skipped: number;
  failed: number;
  recordsInKafka: number;
  /** Records that reached Kafka per second, from the first send to the last completion. */
  recordsPerSecond: number;
  consumedByProbe: number;
  seconds: number;
  latencyMs: {
    deviceToKafkaConsumer: LatencySummary;
    deviceToGateway: LatencySummary;
    publishToPuback?: LatencySummary;
  };
  /** From the gateway's /metrics over the phase. */
  gatewayKafka: ReturnType<typeof gatewayKafkaBetween>;
  /** Event-loop delay (beyond the 10 ms sampling) while the load ran: gateway's, and this process's (the load generator). */
  eventLoopDelayMs: {
    gateway: ReturnType<typeof gatewayEventLoopLag>;
    benchProcess: { p50: number; p99: number };
  };
  usage: Record<string, UsageReport>;
}

/** Records of this phase in Kafka once the count stops moving and the probe has read them all. */
async function waitForDrain(
  ctx: PhaseContext,
  offsetsBefore: number,
  consumed: () => number,
): Promise<number> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let last = -1;
  for (;;) {
    const inKafka = (await endOffsetSum(ctx.scope.admin, ctx.scope.topics.telemetry)) - offsetsBefore;
    if ((inKafka === last && consumed() >= inKafka) || Date.now() > deadline) return inKafka;
    last = inKafka;
    await sleep(500);
  }
}

/**
 * One phase: fresh devices tagged `tag` connect, `load` runs, they disconnect, and the phase's
 * records are counted in Kafka once they have all arrived; CPU is measured over the load only.
 */
export async function runPhase(
  ctx: PhaseContext,
  tag: string,
  qos: 0 | 1,
  kind: PhaseReport['load'],
  load: (devices: BenchDevice[]) => Promise<LoadResult>,
): Promise<PhaseReport> {
  const tally = ctx.probe.tally(tag);
  const devices = await connectDevices(ctx.gateway.process.mqttUrl, deviceIds(tag, ctx.devices));
  const offsetsBefore = await endOffsetSum(ctx.scope.admin, ctx.scope.topics.telemetry);
  const before = await scrapeGateway(ctx.gateway.metricsUrl);
  const meter = new UsageMeter({
    gateway: ctx.gateway.pid,
    kafkaBroker: ctx.kafkaPid,
    benchProcess: process.pid,
  });
  const benchLoop = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLING_MS });
  meter.start();
  benchLoop.enable();
  let result: LoadResult;
  let usage: Record<string, UsageReport>;
  try {
    result = await load(devices);
  } finally {
    usage = meter.stop();
    benchLoop.disable();
    await closeDevices(devices);
  }
  const atLoadEnd = await scrapeGateway(ctx.gateway.metricsUrl);
  const recordsInKafka = await waitForDrain(ctx, offsetsBefore, () => tally.consumed);
  const after = await scrapeGateway(ctx.gateway.metricsUrl);
  const delay = (ns: number): number =>
    Math.max(0, Math.round((ns / 1e6 - EVENT_LOOP_SAMPLING_MS) * 10) / 10);
  return {
    qos,
    load: kind,
    offered: result.offered,
    offeredPerSecond: Math.round(result.offered / result.offeredSeconds),
    published: result.published,
    completed: result.completed,
    skipped: result.skipped,
    failed: result.failed,
    recordsInKafka,
    recordsPerSecond: Math.round(recordsInKafka / result.seconds),
    consumedByProbe: tally.consumed,
    seconds: Math.round(result.seconds * 100) / 100,
    latencyMs: {
      deviceToKafkaConsumer: latencySummary(tally.deviceToConsumer),
      deviceToGateway: latencySummary(tally.deviceToGateway),
      ...(qos === 1 ? { publishToPuback: latencySummary(result.ackLatency) } : {}),
    },
    gatewayKafka: gatewayKafkaBetween(before, after),
    eventLoopDelayMs: {
      gateway: gatewayEventLoopLag(atLoadEnd),
      benchProcess: { p50: delay(benchLoop.percentile(50)), p99: delay(benchLoop.percentile(99)) },
    },
    usage,
  };
}
