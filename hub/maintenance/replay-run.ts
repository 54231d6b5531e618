import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { IPoint } from 'influx';
import type { Config } from '../../config/index.js';
import { MEASUREMENTS, kafkaTopicNames } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import { UNMONITORED } from '../../common/kafka/consumer-monitor.js';
import type { KafkaPort } from '../../common/kafka/port.js';
import { ensureDatabase, DATA_RETENTION_POLICY } from '../influx/bootstrap.js';
import type { InfluxConnection } from '../influx/client.js';
import { STATE_RETENTION_POLICY } from '../influx/measurements.js';
import { PointWriter } from '../influx/writer.js';
import { DEFAULT_PARAMS } from './detector/params.js';
import { profilesFromConfig } from './detector/profiles.js';
import { DevicePool } from './device-pool.js';
import type { MaintenanceEvents } from './events.js';
import { MaintenanceMetrics } from './metrics.js';
import { MaintenancePipeline } from './pipeline.js';
import { InfluxStateStore } from './state-store.js';

export interface ReplayOptions {
  config: Config;
  kafka: KafkaPort;
  influx: InfluxConnection;
  logger: Logger;
  fromMs: number;
  writeState: boolean;
}

export interface ReplaySummary {
  from: string;
  records: number;
  devices: number;
  partitions: number;
  statesWritten: number;
}

const BACKOFF = { initialMs: 200, maxMs: 5_000, factor: 2, jitter: 0.2 };

/**
 * Reads the telemetry topic from `fromMs` (Kafka record time) to where it ends now, through the
 * same pipeline as the consumer but with fresh state, and rewrites only device_health: no
 * alerts are published, and telemetry is already where it belongs.
 */
export async function runReplay(o: ReplayOptions): Promise<ReplaySummary> {
  const { config, kafka, logger } = o;
  const { influx, database } = o.influx;
  const m = config.maintenance;
  const topic = kafkaTopicNames(config.kafka.topicPrefix).telemetry;
  await ensureDatabase(influx, { database, retentionDays: m.retentionDays });

  const groupId = `${config.kafka.topicPrefix}.maintenance-replay.${randomUUID()}`;
  const pool = new DevicePool(profilesFromConfig(m), DEFAULT_PARAMS);
  try {
    const read = await consumeUntilEnd(o, groupId, topic, pool);
    const summary: ReplaySummary = {
      from: new Date(o.fromMs).toISOString(),
      ...read,
      devices: pool.size,
      statesWritten: 0,
    };
    if (o.writeState) {
      const store = new InfluxStateStore(influx, database, writerFor(o, STATE_RETENTION_POLICY, Infinity));
      const states = pool.takeDirty();
      await store.save(states);
      summary.statesWritten = states.length;
    }
    return summary;
  } finally {
    await kafka.deleteGroup(groupId).catch(() => undefined);
    logger.debug({ groupId }, 'replay group removed');
  }
}

function writerFor(o: ReplayOptions, retentionPolicy: string, retentionMs: number): PointWriter {
  return new PointWriter(o.influx.influx, {
    database: o.influx.database,
    retentionPolicy,
    retentionMs,
    maxPointsPerRequest: o.config.maintenance.writeBatchPoints,
  });
}

/** Reads every record from `fromMs` to where each partition ended at start, through `pool`. */
async function consumeUntilEnd(
  o: ReplayOptions,
  groupId: string,
  topic: string,
  pool: DevicePool,
): Promise<{ records: number; partitions: number }> {
  const series = writerFor(o, DATA_RETENTION_POLICY, o.config.maintenance.retentionDays * 86_400_000);
  const pipeline = new MaintenancePipeline(
    pool,
    {
      series: {
        write: (points: readonly IPoint[]) =>
          series.write(points.filter((p) => p.measurement === MEASUREMENTS.deviceHealth)),
      },
      // Fresh state: nothing is looked up, and state is saved (if at all) at the end.
      states: { load: () => Promise.resolve(new Map()), save: () => Promise.resolve(noWrites()) },
      publish: () => Promise.resolve(),
    },
    {
      topics: kafkaTopicNames(o.config.kafka.topicPrefix),
      backoff: BACKOFF,
      now: Date.now,
      logger: o.logger,
      metrics: new MaintenanceMetrics(),
      events: new EventEmitter<MaintenanceEvents>(),
    },
  );
  let records = 0;
  const partitions = new Set<number>();
  const signal = new AbortController().signal;
  const following = await o.kafka.follow({
    name: 'maintenance-replay',
    group: groupId,
    topics: [topic],
    from: { timestamp: o.fromMs },
    handler: {
      eachBatch: async (batch) => {
        const end = following.endOf(batch.topic, batch.partition) ?? 0n;
        const messages = batch.messages.filter((msg) => BigInt(msg.offset) < end);
        if (messages.length === 0) return;
        await pipeline.process(messages, { signal, beforeWait: () => batch.heartbeat() });
        records += messages.length;
        partitions.add(batch.partition);
      },
    },
    maxWaitMs: 250,
    monitor: UNMONITORED,
    logger: o.logger,
  });
  try {
    await following.caughtUp;
  } finally {
    await following.stop();
  }
  return { records, partitions: partitions.size };
}

function noWrites(): {
  written: number;
  droppedBeyondRetention: number;
  droppedRejected: number;
  reasons: string[];
} {
  return { written: 0, droppedBeyondRetention: 0, droppedRejected: 0, reasons: [] };
}
