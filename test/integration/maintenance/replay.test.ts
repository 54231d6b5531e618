import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { useTestDatabase } from '../../helpers/influx.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import {
  HOUR,
  START_MS,
  fleet,
  maintenanceConfig,
  pointTimes,
  produce,
  runMaintenance,
  telemetryOf,
  type RunningMaintenance,
} from './helpers.js';

const run = promisify(execFile);

describe('replay.ts', () => {
  const ctx = useTestTopics();
  const db = useTestDatabase();
  let producer: Producer;
  let running: RunningMaintenance;

  beforeAll(async () => {
    producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    running = await runMaintenance(ctx.kafka, producer, maintenanceConfig(ctx.prefix, db));
  });
  afterAll(async () => {
    await running?.service.stop();
    await producer?.disconnect();
  });

  it('rebuilds device_health from the telemetry in Kafka', async () => {
    const { failing } = fleet();
    const records = telemetryOf(failing, START_MS, START_MS + 30 * HOUR);
    await produce(producer, ctx.topics.telemetry, records);
    const before = await waitFor(
      async () => {
        const t = await pointTimes(db.influx, 'device_health', failing.deviceId);
        return t.length === records.length ? t : null;
      },
      30_000,
      'device_health',
    );
    await running.service.stop();
    await db.influx.query('DROP MEASUREMENT "device_health"');
    expect(await pointTimes(db.influx, 'device_health', failing.deviceId)).toEqual([]);

    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'hub/maintenance/replay.ts', '--from', '0'],
      {
        env: {
          ...process.env,
          KAFKA_BROKERS: KAFKA_BROKERS.join(','),
          KAFKA_TOPIC_PREFIX: ctx.prefix,
          INFLUX_URL: db.url,
          LOG_LEVEL: 'silent',
        },
        timeout: 60_000,
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ records: records.length, devices: 1, statesWritten: 0 });
    const after = await pointTimes(db.influx, 'device_health', failing.deviceId);
    expect(after.sort((a, b) => a - b)).toEqual(before.sort((a, b) => a - b));
  });
});
