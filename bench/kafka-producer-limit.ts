import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { type kafkaTopicNames } from '../contracts/index.js';
import { producerSink } from '../common/kafka/producer-sink.js';
import type { Cleanup } from './cleanup.js';
import type { GatewaySettings } from './gateway.js';
import { BENCH_PARTITIONS, retryKafka } from './kafka-scope.js';
import { latencySummary } from './latency.js';
import { driveBatcher, gatewayBatcher, gatewayTelemetryRecords } from './producer-load.js';
import { UsageMeter } from './usage.js';

export interface ProducerLimitOptions {
  kafka: Kafka;
  admin: Admin;
  topics: ReturnType<typeof kafkaTopicNames>;
  topic: string;
  devices: number;
  /** Records each device lane keeps unacknowledged, as the gateway's devices do. */
  window: number;
  seconds: number;
  warmupSeconds: number;
  settings: GatewaySettings;
  kafkaPid: number | undefined;
}

/**
 * The bridge's ceiling: a kafkajs producer in this process configured like the gateway's
 * (idempotent, acks=all, one request in flight) behind the gateway's own batcher and settings,
 * sending the gateway's records for the same telemetry, with the same number of records waiting.
 */
export async function measureKafkaProducer(options: ProducerLimitOptions, cleanup: Cleanup) {
  await retryKafka('creating the raw producer topic', async () => {
    const exists = (await options.admin.listTopics()).includes(options.topic);
    if (exists) return;
    await options.admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: options.topic, numPartitions: BENCH_PARTITIONS, replicationFactor: 1 }],
    });
  });
  const producer = options.kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  cleanup.add('raw producer', () => producer.disconnect());
  const { settings } = options;
  const batcher = gatewayBatcher(producerSink(producer), settings);
  cleanup.add('raw producer batcher', () => batcher.close(5_000));
  const records = gatewayTelemetryRecords(options.topics, options.topic, options.devices, 'raw');
  await driveBatcher(batcher, records, options.window, options.warmupSeconds);
  const meter = new UsageMeter({ producerProcess: process.pid, kafkaBroker: options.kafkaPid }).start();
  const run = await driveBatcher(batcher, records, options.window, options.seconds);
  const usage = meter.stop();
  return {
    recordValueBytes: records[0]?.value.length,
    acknowledged: run.acknowledged,
    seconds: Math.round(run.seconds * 100) / 100,
    recordsPerSecond: Math.round(run.acknowledged / run.seconds),
    enqueueToAckMs: latencySummary(run.latency),
    usage,
  };
}
