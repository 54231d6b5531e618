import { Partitioners } from 'kafkajs';
import { platformaticProducer } from '../common/kafka/platformatic-producer.js';
import { producerSink } from '../common/kafka/producer-sink.js';
import type { RecordBatcher } from '../common/kafka/record-batcher.js';
import { withCleanup } from './cleanup.js';
import { gatewaySettings } from './gateway.js';
import { BENCH_PARTITIONS, endOffsetSum, openKafkaScope, retryKafka } from './kafka-scope.js';
import { latencySummary } from './latency.js';
import { driveBatcher, gatewayBatcher, gatewayTelemetryRecords } from './producer-load.js';
import { progress } from './progress.js';
import { ratio } from './ratio.js';
import { UsageMeter, localKafkaBrokerPid } from './usage.js';

export interface ClientComparisonOptions {
  brokers: string[];
  devices: number;
  /** Records each device lane keeps unacknowledged, as the gateway's devices do. */
  window: number;
  seconds: number;
  warmupSeconds: number;
  /** Measurements of each client, interleaved: kafkajs, platformatic, kafkajs, platformatic, ... */
  rounds: number;
}

const CLIENTS = ['kafkajs', 'platformatic'] as const;
type ClientName = (typeof CLIENTS)[number];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** How far apart the measurements of one client are: (max - min) / median. */
function spread(values: readonly number[]): number | null {
  const m = median(values);
  return m > 0 ? ratio(Math.max(...values) - Math.min(...values), m) : null;
}

/**
 * kafkajs and @platformatic/kafka as the gateway's producer would use them (idempotent, acks=all,
 * one request in flight, the gateway's batcher and batch limits), on the same records, measured
 * in turn in the same run so that the machine's load falls on both alike.
 */
export async function compareKafkaClients(
  options: ClientComparisonOptions,
): Promise<Record<string, unknown>> {
  const settings = gatewaySettings({});
  return withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'kclients', cleanup);
    const kafkaPid = await localKafkaBrokerPid();
    const topic = `${scope.prefix}.client-comparison`;
    await retryKafka('creating the comparison topic', () =>
      scope.admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: BENCH_PARTITIONS, replicationFactor: 1 }],
      }),
    );

    const kafkajs = scope.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await kafkajs.connect();
    cleanup.add('kafkajs producer', () => kafkajs.disconnect());
    const platformatic = platformaticProducer({
      clientId: `${scope.prefix}-platformatic`,
      brokers: options.brokers,
      connectionTimeoutMs: 5_000,
      requestTimeoutMs: 30_000,
      retries: 8,
      retryDelayMs: { initial: 100, max: 5_000 },
    });
    cleanup.add('platformatic producer', () => platformatic.close());

    const batchers: Record<ClientName, RecordBatcher> = {
      kafkajs: gatewayBatcher(producerSink(kafkajs), settings),
      platformatic: gatewayBatcher(platformatic, settings),
    };
    for (const name of CLIENTS) cleanup.add(`${name} batcher`, () => batchers[name].close(5_000));

    const records = gatewayTelemetryRecords(scope.topics, topic, options.devices, 'cmp');
    let acknowledgedInAll = 0;
    for (const name of CLIENTS) {
      progress(`kafka-clients: warming up ${name}, ${options.warmupSeconds} s`);
      acknowledgedInAll += (
        await driveBatcher(batchers[name], records, options.window, options.warmupSeconds)
      ).acknowledged;
    }
    const runs: Record<string, unknown>[] = [];
    const rates: Record<ClientName, number[]> = { kafkajs: [], platformatic: [] };
    // On shared cores a phase gets what CPU the others leave it: records per CPU second of this
    // process says what each client costs, whatever it was given.
    const perCpu: Record<ClientName, number[]> = { kafkajs: [], platformatic: [] };
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of CLIENTS) {
        const meter = new UsageMeter({ producerProcess: process.pid, kafkaBroker: kafkaPid }).start();
        const run = await driveBatcher(batchers[name], records, options.window, options.seconds);
        const usage = meter.stop();
        const recordsPerSecond = Math.round(run.acknowledged / run.seconds);
        acknowledgedInAll += run.acknowledged;
        const cpuPercent = usage.producerProcess?.cpuPercent ?? 0;
        const perCpuSecond = cpuPercent > 0 ? Math.round(recordsPerSecond / (cpuPercent / 100)) : 0;
        perCpu[name].push(perCpuSecond);
        rates[name].push(recordsPerSecond);
        progress(`kafka-clients: round ${round} ${name} ${recordsPerSecond} records/s`);
        runs.push({
          round,
          client: name,
          recordsPerSecond,
          recordsPerProducerCpuSecond: perCpuSecond,
          acknowledged: run.acknowledged,
          seconds: Math.round(run.seconds * 100) / 100,
          enqueueToAckMs: latencySummary(run.latency),
          usage,
        });
      }
    }
    // Each acknowledgement is one record in the topic, no more (idempotence) and no fewer.
    const recordsInTopic = await endOffsetSum(scope.admin, topic);
    const perRound = Array.from({ length: options.rounds }, (_, i) =>
      ratio(rates.platformatic[i] ?? 0, rates.kafkajs[i] ?? 0),
    );
    return {
      scenario: 'kafka-clients',
      parameters: {
        devices: options.devices,
        window: options.window,
        secondsPerPhase: options.seconds,
        warmupSeconds: options.warmupSeconds,
        rounds: options.rounds,
        order: 'interleaved: kafkajs, platformatic, kafkajs, platformatic, ...',
        recordValueBytes: records[0]?.value.length,
        headers: Object.keys(records[0]?.headers ?? {}),
        partitions: BENCH_PARTITIONS,
        batcher: settings,
        kafkajs: 'kafkajs 2.2.4, idempotent, acks=-1, maxInFlightRequests 1, DefaultPartitioner',
        platformatic:
          '@platformatic/kafka 1.x, idempotent (acks=-1, maxInflights 1 forced), compatibilityPartitioner',
      },
      platformaticOverKafkajs: ratio(median(rates.platformatic), median(rates.kafkajs)),
      platformaticOverKafkajsPerRound: perRound,
      platformaticOverKafkajsPerCpuSecond: ratio(median(perCpu.platformatic), median(perCpu.kafkajs)),
      absoluteThisMachineThisRun: {
        kafkajsMedianRecordsPerSecond: median(rates.kafkajs),
        platformaticMedianRecordsPerSecond: median(rates.platformatic),
        spreadOfKafkajs: spread(rates.kafkajs),
        spreadOfPlatformatic: spread(rates.platformatic),
        kafkajsMedianRecordsPerProducerCpuSecond: median(perCpu.kafkajs),
        platformaticMedianRecordsPerProducerCpuSecond: median(perCpu.platformatic),
      },
      recordsCheck: { acknowledged: acknowledgedInAll, inTopic: recordsInTopic },
      runs,
    };
  });
}
