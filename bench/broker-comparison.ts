import { withCleanup } from './cleanup.js';
import { gatewayRatios, interleavedOrder, median, perRoundRatios, pooledRate } from './baseline-compare.js';
import { measureBroker, startBaseline, type BrokerPhase, type MqttTarget } from './baselines.js';
import type { BenchDevice } from './devices.js';
import { startBenchGateway, type GatewaySettings } from './gateway.js';
import { DRAIN_TIMEOUT_MS } from './ingest-phase.js';
import { BENCH_PARTITIONS, retryKafka, type KafkaScope } from './kafka-scope.js';
import { runPacedLoad, runWindowLoad } from './load.js';
import { progress } from './progress.js';

export interface ComparisonOptions {
  brokers: string[];
  devices: number;
  window: number;
  seconds: number;
  warmupSeconds: number;
  /** Each broker is measured this many times at its maximum (and paced), in interleaved order. */
  rounds: number;
  pacedPerSecond: number;
  pacedSeconds: number;
  /** A second paced comparison runs at this fraction of the gateway's maximum of the same run. */
  pacedFractionOfGatewayMax: number;
  maxOutstandingPerDevice: number;
  settings: GatewaySettings;
  kafkaPid: number | undefined;
}

const BROKERS = ['gateway', 'minimalBridge', 'bareAedes'] as const;
type Broker = (typeof BROKERS)[number];
const TAGS: Record<Broker, string> = { gateway: 'gw', minimalBridge: 'br', bareAedes: 'bare' };

async function createTopic(scope: KafkaScope, topic: string): Promise<void> {
  await retryKafka(`creating ${topic}`, async () => {
    if ((await scope.admin.listTopics()).includes(topic)) return;
    await scope.admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: BENCH_PARTITIONS, replicationFactor: 1 }],
    });
  });
}

/**
 * The gateway against two baselines under the load of the ingest scenario's QoS 1 maximum (the same
 * mqtt.js devices and window, in this process): bare aedes 1.2 with no hooks and no Kafka, and a
 * minimal bridge (bare aedes plus one authorizePublish hook producing the gateway's records), each
 * in its own process; then a paced load on the gateway and the bridge for publish-to-PUBACK latency.
 */
export function compareBrokers(scope: KafkaScope, options: ComparisonOptions) {
  return withCleanup(async (cleanup) => {
    const bridgeTopic = `${scope.prefix}.bridge-telemetry`;
    await createTopic(scope, bridgeTopic);
    const [gateway, minimalBridge, bareAedes] = await Promise.all([
      startBenchGateway(scope, options.brokers, cleanup),
      startBaseline(
        'bridge',
        {
          brokers: options.brokers,
          topic: bridgeTopic,
          gatewayId: `gw-${scope.prefix}-bridge`,
          lingerMs: options.settings.lingerMs,
          maxBatchRecords: options.settings.maxBatchRecords,
        },
        cleanup,
      ),
      startBaseline(
        'bare',
        { brokers: options.brokers, topic: bridgeTopic, gatewayId: '', lingerMs: 0, maxBatchRecords: 0 },
        cleanup,
      ),
    ]);
    const targets: Record<Broker, MqttTarget> = {
      gateway: { url: gateway.process.mqttUrl, pid: gateway.pid, topic: scope.topics.telemetry },
      minimalBridge,
      bareAedes,
    };
    const measure = (
      broker: Broker,
      tag: string,
      load: (d: BenchDevice[]) => ReturnType<typeof runWindowLoad>,
    ) =>
      measureBroker(
        targets[broker],
        `${TAGS[broker]}${tag}`,
        options.devices,
        scope.admin,
        options.kafkaPid,
        load,
      );
    const windowLoad = (seconds: number) => (devices: BenchDevice[]) =>
      runWindowLoad(devices, options.window, seconds);

    for (const broker of BROKERS) {
      progress(`limits: warm-up of ${broker}, ${options.warmupSeconds} s`);
      await measure(broker, 'warm', windowLoad(options.warmupSeconds));
    }
    const max: Record<Broker, BrokerPhase[]> = { gateway: [], minimalBridge: [], bareAedes: [] };
    for (const [i, broker] of interleavedOrder(BROKERS, options.rounds).entries()) {
      progress(`limits: ${broker} QoS 1 maximum, window ${options.window} per device, ${options.seconds} s`);
      const phase = await measure(broker, `max${i}`, windowLoad(options.seconds));
      progress(`limits: ${broker} ${phase.recordsPerSecond} msg/s`);
      max[broker].push(phase);
    }
    const pacedOrder = interleavedOrder(['minimalBridge', 'gateway'] as const, options.rounds);
    const pacedAt = async (perSecond: number, tag: string) => {
      const phases: Record<'gateway' | 'minimalBridge', BrokerPhase[]> = { gateway: [], minimalBridge: [] };
      for (const [i, broker] of pacedOrder.entries()) {
        progress(`limits: ${broker} paced at ${perSecond}/s, ${options.pacedSeconds} s`);
        const phase = await measure(broker, `${tag}${i}`, (devices) =>
          runPacedLoad(devices, {
            ratePerSecond: perSecond,
            seconds: options.pacedSeconds,
            qos: 1,
            maxOutstanding: options.maxOutstandingPerDevice,
            drainTimeoutMs: DRAIN_TIMEOUT_MS,
          }),
        );
        progress(`limits: ${broker} publish-to-PUBACK p99 ${phase.publishToPubackMs.p99} ms`);
        phases[broker].push(phase);
      }
      return phases;
    };
    const paced = await pacedAt(options.pacedPerSecond, 'paced');
    const fractionPerSecond = Math.round(
      options.pacedFractionOfGatewayMax * pooledRate(max.gateway).recordsPerSecond,
    );
    const pacedAtFraction = await pacedAt(fractionPerSecond, 'frac');

    const rates = {
      gateway: pooledRate(max.gateway),
      minimalBridge: pooledRate(max.minimalBridge),
      bareAedes: pooledRate(max.bareAedes),
    };
    const rate = (broker: Broker) => max[broker].map((p) => p.recordsPerSecond);
    const p99 = (phases: BrokerPhase[]) => phases.map((p) => p.publishToPubackMs.p99);
    const medianMs = (phases: BrokerPhase[]) => ({
      p50: median(phases.map((p) => p.publishToPubackMs.p50)),
      p99: median(p99(phases)),
    });
    const p99Ratios = perRoundRatios(p99(paced.gateway), p99(paced.minimalBridge));
    const fractionP99Ratios = perRoundRatios(
      p99(pacedAtFraction.gateway),
      p99(pacedAtFraction.minimalBridge),
    );
    // A paced load is only what it says if the generator kept up: its CPU and event-loop delay.
    const generatorOf = (phases: Record<'gateway' | 'minimalBridge', BrokerPhase[]>) =>
      Object.fromEntries(
        (['gateway', 'minimalBridge'] as const).map((broker) => [
          broker,
          {
            cpuPercent: phases[broker].map((p) => p.usage.loadGenerator?.cpuPercent),
            eventLoopDelayP99Ms: phases[broker].map((p) => p.loadGeneratorEventLoopDelayMs.p99),
            skipped: phases[broker].map((p) => p.skipped),
          },
        ]),
      );
    return {
      ...gatewayRatios({
        gateway: rates.gateway.recordsPerSecond,
        minimalBridge: rates.minimalBridge.recordsPerSecond,
        bareAedes: rates.bareAedes.recordsPerSecond,
      }),
      perRound: {
        gatewayOverMinimalBridge: perRoundRatios(rate('gateway'), rate('minimalBridge')).perRound,
        gatewayOverBareAedes: perRoundRatios(rate('gateway'), rate('bareAedes')).perRound,
      },
      pacedPublishToPuback: {
        perSecond: options.pacedPerSecond,
        seconds: options.pacedSeconds,
        /** The median over rounds of the gateway's p99 over the bridge's p99 measured next to it. */
        gatewayOverMinimalBridgeP99: p99Ratios.median,
        gatewayOverMinimalBridgeP99PerRound: p99Ratios.perRound,
        order: pacedOrder,
        loadGenerator: generatorOf(paced),
      },
      pacedAtFractionOfGatewayMax: {
        fraction: options.pacedFractionOfGatewayMax,
        perSecond: fractionPerSecond,
        seconds: options.pacedSeconds,
        gatewayOverMinimalBridgeP99: fractionP99Ratios.median,
        gatewayOverMinimalBridgeP99PerRound: fractionP99Ratios.perRound,
        medianOfRoundsMs: {
          gateway: medianMs(pacedAtFraction.gateway),
          minimalBridge: medianMs(pacedAtFraction.minimalBridge),
        },
        order: pacedOrder,
        loadGenerator: generatorOf(pacedAtFraction),
      },
      order: interleavedOrder(BROKERS, options.rounds),
      // Near 100 % of a core, the generator and not the broker may set the rate.
      loadGeneratorAtMax: Object.fromEntries(
        BROKERS.map((broker) => [
          broker,
          {
            cpuPercent: max[broker].map((p) => p.usage.loadGenerator?.cpuPercent),
            eventLoopDelayP99Ms: max[broker].map((p) => p.loadGeneratorEventLoopDelayMs.p99),
          },
        ]),
      ),
      absolute: {
        note: 'this machine, this run: compare the ratios, not these rates, across runs',
        qos1MaxPerSecond: {
          gateway: rates.gateway,
          minimalBridge: rates.minimalBridge,
          bareAedes: rates.bareAedes,
        },
        pacedPublishToPubackMedianOfRoundsMs: {
          gateway: medianMs(paced.gateway),
          minimalBridge: medianMs(paced.minimalBridge),
        },
      },
      phases: { max, paced, pacedAtFraction },
    };
  });
}
