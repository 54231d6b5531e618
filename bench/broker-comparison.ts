import { withCleanup } from './cleanup.js';
import { gatewayRatios, interleavedOrder, median, perRoundRatios, pooledRate } from './baseline-compare.js';
import {
  KAFKA_CLIENTS,
  measureBroker,
  startBaseline,
  type BrokerPhase,
  type KafkaClientName,
  type MqttTarget,
} from './baselines.js';
import type { BenchDevice } from './devices.js';
import { startBenchGateway, type GatewaySettings } from './gateway.js';
import { DRAIN_TIMEOUT_MS } from './ingest-phase.js';
import { BENCH_PARTITIONS, retryKafka, type KafkaScope } from './kafka-scope.js';
import { runPacedLoad, runWindowLoad } from './load.js';
import { progress } from './progress.js';
import { ratio } from './ratio.js';

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
  /** The Kafka client the gateway uses by default: the one the paced comparison and the headline ratios are of. */
  shippedClient: KafkaClientName;
}

const BROKERS = [
  'gatewayKafkajs',
  'gatewayPlatformatic',
  'minimalBridgeKafkajs',
  'minimalBridgePlatformatic',
  'bareAedes',
] as const;
type Broker = (typeof BROKERS)[number];
const TAGS: Record<Broker, string> = {
  gatewayKafkajs: 'gwk',
  gatewayPlatformatic: 'gwp',
  minimalBridgeKafkajs: 'brk',
  minimalBridgePlatformatic: 'brp',
  bareAedes: 'bare',
};
const GATEWAY_ON: Record<KafkaClientName, Broker> = {
  kafkajs: 'gatewayKafkajs',
  platformatic: 'gatewayPlatformatic',
};
const BRIDGE_ON: Record<KafkaClientName, Broker> = {
  kafkajs: 'minimalBridgeKafkajs',
  platformatic: 'minimalBridgePlatformatic',
};

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
 * in its own process. The gateway and the bridge run once on each Kafka client, so the client's
 * share is measured apart from the gateway's. Then a paced load on the gateway as it ships
 * (`shipped`, its default client) and on both bridges, for publish-to-PUBACK latency.
 */
export function compareBrokers(scope: KafkaScope, options: ComparisonOptions) {
  return withCleanup(async (cleanup) => {
    const bridgeTopic = `${scope.prefix}.bridge-telemetry`;
    await createTopic(scope, bridgeTopic);
    const gatewayOn = async (client: KafkaClientName): Promise<MqttTarget> => {
      const gateway = await startBenchGateway(scope, options.brokers, cleanup, {
        KAFKA_CLIENT: client,
        GATEWAY_ID: `gw-${scope.prefix}-${client}`,
      });
      return { url: gateway.process.mqttUrl, pid: gateway.pid, topic: scope.topics.telemetry };
    };
    const bridgeOn = (client: KafkaClientName): Promise<MqttTarget> =>
      startBaseline(
        'bridge',
        {
          brokers: options.brokers,
          topic: bridgeTopic,
          gatewayId: `gw-${scope.prefix}-bridge-${client}`,
          lingerMs: options.settings.lingerMs,
          maxBatchRecords: options.settings.maxBatchRecords,
          client,
        },
        cleanup,
      );
    const started = await Promise.all([
      gatewayOn('kafkajs'),
      gatewayOn('platformatic'),
      bridgeOn('kafkajs'),
      bridgeOn('platformatic'),
      startBaseline(
        'bare',
        {
          brokers: options.brokers,
          topic: bridgeTopic,
          gatewayId: '',
          lingerMs: 0,
          maxBatchRecords: 0,
          client: 'kafkajs',
        },
        cleanup,
      ),
    ]);
    const targets = Object.fromEntries(BROKERS.map((broker, i) => [broker, started[i]!])) as Record<
      Broker,
      MqttTarget
    >;
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
    const max = Object.fromEntries(BROKERS.map((broker) => [broker, [] as BrokerPhase[]])) as Record<
      Broker,
      BrokerPhase[]
    >;
    for (const [i, broker] of interleavedOrder(BROKERS, options.rounds).entries()) {
      progress(`limits: ${broker} QoS 1 maximum, window ${options.window} per device, ${options.seconds} s`);
      const phase = await measure(broker, `max${i}`, windowLoad(options.seconds));
      progress(`limits: ${broker} ${phase.recordsPerSecond} msg/s`);
      max[broker].push(phase);
    }
    const shipped = GATEWAY_ON[options.shippedClient];
    const PACED = [shipped, 'minimalBridgeKafkajs', 'minimalBridgePlatformatic'] as const;
    type Paced = (typeof PACED)[number];
    const pacedOrder = interleavedOrder(PACED, options.rounds);
    const pacedAt = async (perSecond: number, tag: string) => {
      const phases = Object.fromEntries(PACED.map((broker) => [broker, [] as BrokerPhase[]])) as Record<
        Paced,
        BrokerPhase[]
      >;
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
      options.pacedFractionOfGatewayMax * pooledRate(max[shipped]).recordsPerSecond,
    );
    const pacedAtFraction = await pacedAt(fractionPerSecond, 'frac');

    const rates = Object.fromEntries(BROKERS.map((broker) => [broker, pooledRate(max[broker])])) as Record<
      Broker,
      ReturnType<typeof pooledRate>
    >;
    const rate = (broker: Broker) => max[broker].map((p) => p.recordsPerSecond);
    const p99 = (phases: BrokerPhase[]) => phases.map((p) => p.publishToPubackMs.p99);
    const medianMs = (phases: BrokerPhase[]) => ({
      p50: median(phases.map((p) => p.publishToPubackMs.p50)),
      p99: median(p99(phases)),
    });
    const overEachBridge = (phases: Record<Paced, BrokerPhase[]>) => ({
      /** The median over rounds of the gateway's p99 over the bridge's p99 measured next to it. */
      gatewayOverMinimalBridgeP99: perRoundRatios(
        p99(phases[shipped]),
        p99(phases[BRIDGE_ON[options.shippedClient]]),
      ),
      gatewayOverKafkajsMinimalBridgeP99: perRoundRatios(
        p99(phases[shipped]),
        p99(phases.minimalBridgeKafkajs),
      ),
      medianOfRoundsMs: Object.fromEntries(PACED.map((broker) => [broker, medianMs(phases[broker])])),
    });
    // A paced load is only what it says if the generator kept up: its CPU and event-loop delay.
    const generatorOf = (phases: Record<Paced, BrokerPhase[]>) =>
      Object.fromEntries(
        PACED.map((broker) => [
          broker,
          {
            cpuPercent: phases[broker].map((p) => p.usage.loadGenerator?.cpuPercent),
            eventLoopDelayP99Ms: phases[broker].map((p) => p.loadGeneratorEventLoopDelayMs.p99),
            skipped: phases[broker].map((p) => p.skipped),
          },
        ]),
      );
    const shippedRate = rates[shipped].recordsPerSecond;
    return {
      shippedClient: options.shippedClient,
      /** The gateway as it ships over the minimal bridge on the same Kafka client, and over bare aedes. */
      ...gatewayRatios({
        gateway: shippedRate,
        minimalBridge: rates[BRIDGE_ON[options.shippedClient]].recordsPerSecond,
        bareAedes: rates.bareAedes.recordsPerSecond,
      }),
      /** Over the minimal bridge as issue 15 defined it, on kafkajs. */
      gatewayOverKafkajsMinimalBridge: ratio(shippedRate, rates.minimalBridgeKafkajs.recordsPerSecond),
      byClient: Object.fromEntries(
        KAFKA_CLIENTS.map((client) => [
          client,
          {
            gatewayOverMinimalBridge: ratio(
              rates[GATEWAY_ON[client]].recordsPerSecond,
              rates[BRIDGE_ON[client]].recordsPerSecond,
            ),
            gatewayOverMinimalBridgePerRound: perRoundRatios(
              rate(GATEWAY_ON[client]),
              rate(BRIDGE_ON[client]),
            ).perRound,
          },
        ]),
      ),
      platformaticOverKafkajs: {
        gateway: ratio(rates.gatewayPlatformatic.recordsPerSecond, rates.gatewayKafkajs.recordsPerSecond),
        minimalBridge: ratio(
          rates.minimalBridgePlatformatic.recordsPerSecond,
          rates.minimalBridgeKafkajs.recordsPerSecond,
        ),
      },
      perRound: {
        gatewayOverMinimalBridge: perRoundRatios(rate(shipped), rate(BRIDGE_ON[options.shippedClient]))
          .perRound,
        gatewayOverBareAedes: perRoundRatios(rate(shipped), rate('bareAedes')).perRound,
      },
      pacedPublishToPuback: {
        perSecond: options.pacedPerSecond,
        seconds: options.pacedSeconds,
        ...overEachBridge(paced),
        order: pacedOrder,
        loadGenerator: generatorOf(paced),
      },
      pacedAtFractionOfGatewayMax: {
        fraction: options.pacedFractionOfGatewayMax,
        perSecond: fractionPerSecond,
        seconds: options.pacedSeconds,
        ...overEachBridge(pacedAtFraction),
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
        qos1MaxPerSecond: rates,
      },
      phases: { max, paced, pacedAtFraction },
    };
  });
}
