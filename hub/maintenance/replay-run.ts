import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import type { IPoint } from 'influx';
import type { Kafka } from 'kafkajs';
import type { Config } from '../../config/index.js';
import { kafkaTopicNames } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import { ensureDatabase, DATA_RETENTION_POLICY } from '../influx/bootstrap.js';
import type { InfluxConnection } from '../influx/client.js';
import { MEASUREMENTS, STATE_RETENTION_POLICY } from '../influx/measurements.js';
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
  kafka: Kafka;
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

  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${config.kafka.topicPrefix}.maintenance-replay.${randomUUID()}`;
  try {
    const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const starts = (await admin.fetchTopicOffsetsByTimestamp(topic, o.fromMs)).map((p) => {
      const end = ends.get(p.partition) ?? 0n;
      const offset = BigInt(p.offset) < 0n ? end : BigInt(p.offset);
      return { partition: p.partition, offset: offset > end ? end : offset };
    });
    const remaining = new Map(
      starts
        .filter((s) => s.offset < (ends.get(s.partition) ?? 0n))
        .map((s) => [s.partition, ends.get(s.partition) ?? 0n]),
    );
    const pool = new DevicePool(profilesFromConfig(m), DEFAULT_PARAMS);
    const summary: ReplaySummary = {
      from: new Date(o.fromMs).toISOString(),
      records: 0,
      devices: 0,
      partitions: remaining.size,
      statesWritten: 0,
    };
    if (remaining.size > 0) {
      await admin.setOffsets({
        groupId,
        topic,
        partitions: starts.map((s) => ({ partition: s.partition, offset: s.offset.toString() })),
      });
      summary.records = await consumeUntil(o, groupId, topic, remaining, pool);
    }
    summary.devices = pool.size;
    if (o.writeState) {
      const store = new InfluxStateStore(influx, database, writerFor(o, STATE_RETENTION_POLICY, Infinity));
      const states = pool.takeDirty();
      await store.save(states);
      summary.statesWritten = states.length;
    }
    return summary;
  } finally {
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
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

async function consumeUntil(
  o: ReplayOptions,
  groupId: string,
  topic: string,
  remaining: Map<number, bigint>,
  pool: DevicePool,
): Promise<number> {
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
  const consumer = o.kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let records = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const signal = new AbortController().signal;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic });
    await consumer.run({
      autoCommit: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const end = remaining.get(batch.partition);
        if (end === undefined) return;
        const messages = batch.messages.filter((msg) => BigInt(msg.offset) < end);
        await pipeline.process(messages, { signal, beforeWait: () => payload.heartbeat() });
        records += messages.length;
        const last = batch.messages[batch.messages.length - 1];
        if (last !== undefined && BigInt(last.offset) + 1n >= end) {
          remaining.delete(batch.partition);
          if (remaining.size === 0) done();
        }
      },
    });
    await finished;
  } finally {
    await consumer.disconnect();
  }
  return records;
}

function noWrites(): {
  written: number;
  droppedBeyondRetention: number;
  droppedRejected: number;
  reasons: string[];
} {
  return { written: 0, droppedBeyondRetention: 0, droppedRejected: 0, reasons: [] };
}
