import { performance } from 'node:perf_hooks';
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { DEFAULT_JSON_LIMITS, type kafkaTopicNames } from '../contracts/index.js';
import { producerSink } from '../common/kafka/producer-sink.js';
import { RecordBatcher, type OutRecord } from '../common/kafka/record-batcher.js';
import { translateUplink } from '../gateway/uplink/translate.js';
import type { Cleanup } from './cleanup.js';
import { deviceIds, telemetryPayload } from './devices.js';
import type { GatewaySettings } from './gateway.js';
import { BENCH_PARTITIONS, retryKafka } from './kafka-scope.js';
import { LatencyHistogram, latencySummary } from './latency.js';
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

/** The records the gateway would produce for these devices' telemetry, made by its own translation. */
function gatewayRecords(options: ProducerLimitOptions): OutRecord[] {
  return deviceIds('raw', options.devices).map((deviceId, seq) => {
    const now = Date.now();
    const result = translateUplink('telemetry', Buffer.from(telemetryPayload(seq, now)), {
      deviceId,
      gatewayId: 'gw-bench-raw',
      topics: { ...options.topics, telemetry: options.topic },
      receivedAt: now,
      maxPayloadBytes: 65_536,
      jsonLimits: DEFAULT_JSON_LIMITS,
    });
    const record = result.ok ? result.records[0] : undefined;
    if (!record) throw new Error(`telemetry translation failed: ${result.ok ? 'no record' : result.reason}`);
    return record;
  });
}

async function drive(batcher: RecordBatcher, records: OutRecord[], window: number, seconds: number) {
  const latency = new LatencyHistogram();
  let acknowledged = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const lane = async (record: OutRecord): Promise<void> => {
    while (performance.now() < deadline) {
      const enqueuedAt = performance.now();
      await batcher.enqueue(record);
      acknowledged++;
      latency.record(performance.now() - enqueuedAt);
    }
  };
  await Promise.all(records.flatMap((record) => Array.from({ length: window }, () => lane(record))));
  return { acknowledged, seconds: (performance.now() - started) / 1000, latency };
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
  const batcher = new RecordBatcher(producerSink(producer), {
    lingerMs: settings.lingerMs,
    maxBatchRecords: settings.maxBatchRecords,
    maxBatchBytes: settings.maxBatchBytes,
    maxBestEffortBytes: settings.qos0BufferBytes,
    retryBackoff: { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.2 },
  });
  cleanup.add('raw producer batcher', () => batcher.close(5_000));
  const records = gatewayRecords(options);
  await drive(batcher, records, options.window, options.warmupSeconds);
  const meter = new UsageMeter({ producerProcess: process.pid, kafkaBroker: options.kafkaPid }).start();
  const run = await drive(batcher, records, options.window, options.seconds);
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
