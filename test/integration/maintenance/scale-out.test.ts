import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/influx.js';
import { collectTopics, useTestTopics } from '../../helpers/kafka.js';
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

describe('two maintenance consumers in one group', () => {
  const ctx = useTestTopics({ partitions: 6 });
  const db = useTestDatabase();
  let producer: Producer;
  const running: RunningMaintenance[] = [];

  beforeAll(async () => {
    producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    for (const r of running) await r.service.stop();
    await producer?.disconnect();
  });

  it('share the devices across a rebalance without losing or repeating an alert', async () => {
    const { healthy, failing } = fleet();
    const config = maintenanceConfig(ctx.prefix, db);
    const split = START_MS + 30 * HOUR;
    const end = START_MS + 34 * HOUR;
    const devices = [healthy, failing];
    const first = devices.flatMap((d) => telemetryOf(d, START_MS, split));
    const rest = devices.flatMap((d) => telemetryOf(d, split, end).filter((r) => r.ts > split));
    const collected = await collectTopics(ctx.kafka, [ctx.topics.alerts]);
    try {
      running.push(await runMaintenance(ctx.kafka, producer, config));
      await produce(producer, ctx.topics.telemetry, first);
      await waitFor(() => collected.records.length >= 1, 30_000, 'the warning');

      running.push(await runMaintenance(ctx.kafka, producer, config));
      await produce(producer, ctx.topics.telemetry, rest);
      for (const spec of devices) {
        const want = [...first, ...rest].filter((r) => r.deviceId === spec.deviceId).map((r) => r.ts);
        const times = await waitFor(
          async () => {
            const t = await pointTimes(db.influx, 'device_health', spec.deviceId);
            return t.length >= want.length ? t : null;
          },
          60_000,
          `device_health of ${spec.deviceId}`,
        );
        expect(times.sort((a, b) => a - b)).toEqual(want);
      }
      await waitFor(() => collected.records.length >= 2, 30_000, 'the escalation');
      expect(collected.records.map((r) => [r.key, r.value.severity])).toEqual([
        [failing.deviceId, 'warning'],
        [failing.deviceId, 'critical'],
      ]);
    } finally {
      await collected.stop();
    }
  });
});
