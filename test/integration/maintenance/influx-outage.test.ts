import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFLUX_BASE_URL } from '../../helpers/env.js';
import { useTestDatabase } from '../../helpers/influx.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import {
  HOUR,
  START_MS,
  fleet,
  maintenanceConfig,
  metricValue,
  pointTimes,
  produce,
  runMaintenance,
  telemetryOf,
  type RunningMaintenance,
} from './helpers.js';

const run = promisify(execFile);

async function influxd(action: 'start' | 'stop'): Promise<void> {
  await run('bash', ['infra/influxdb.sh', action], { timeout: 60_000 });
  if (action === 'start') {
    await waitFor(
      async () => (await fetch(`${INFLUX_BASE_URL}/ping`).catch(() => null))?.status === 204,
      30_000,
      'InfluxDB to answer /ping',
    );
  }
}

describe('maintenance consumer while InfluxDB is down', () => {
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
    // Never leave the shared InfluxDB stopped, whatever happened above.
    await influxd('start');
    await running?.service.stop();
    await producer?.disconnect();
  });

  it('holds the stream while it is down and afterwards has every point exactly once', async () => {
    const { healthy, failing } = fleet();
    const split = START_MS + 12 * HOUR;
    const end = START_MS + 20 * HOUR;
    const before = [...telemetryOf(healthy, START_MS, split), ...telemetryOf(failing, START_MS, split)];
    const during = [
      ...telemetryOf(healthy, split, end).filter((r) => r.ts > split),
      ...telemetryOf(failing, split, end).filter((r) => r.ts > split),
    ];
    const expected = (id: string): number[] =>
      [...before, ...during].filter((r) => r.deviceId === id).map((r) => r.ts);

    await produce(producer, ctx.topics.telemetry, before);
    await waitFor(
      async () => (await pointTimes(db.influx, 'telemetry', failing.deviceId)).length > 0,
      30_000,
      'the first points',
    );

    // Other test runs on this machine may start InfluxDB again at any time (infra:up), so the
    // outage lasts only until the consumer has been seen failing and holding, and is tried again
    // (with more records) if InfluxDB came back before the consumer even tried to write.
    const failures = (): Promise<number> =>
      metricValue(running.metrics, 'maintenance_influx_write_failures_total');
    const third = Math.ceil(during.length / 3);
    for (let attempt = 0; attempt < 3; attempt++) {
      await influxd('stop');
      await produce(producer, ctx.topics.telemetry, during.slice(attempt * third, (attempt + 1) * third));
      if ((await waitFor(failures, 10_000, 'a failed write').catch(() => 0)) > 0) {
        await produce(producer, ctx.topics.telemetry, during.slice((attempt + 1) * third));
        break;
      }
    }
    expect(await failures()).toBeGreaterThan(0);
    await influxd('start');

    for (const spec of [healthy, failing]) {
      const want = expected(spec.deviceId);
      const times = await waitFor(
        async () => {
          const t = await pointTimes(db.influx, 'telemetry', spec.deviceId);
          return t.length >= want.length ? t : null;
        },
        60_000,
        `all telemetry of ${spec.deviceId}`,
      );
      expect(times.sort((a, b) => a - b)).toEqual(want);
      const health = await waitFor(
        async () => {
          const t = await pointTimes(db.influx, 'device_health', spec.deviceId);
          return t.length >= want.length ? t : null;
        },
        30_000,
        `all device_health of ${spec.deviceId}`,
      );
      expect(health.sort((a, b) => a - b)).toEqual(want);
    }
    expect(await metricValue(running.metrics, 'maintenance_influx_up')).toBe(1);
  }, 180_000);
});
