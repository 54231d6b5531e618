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

describe('maintenance consumer restarted', () => {
  const ctx = useTestTopics();
  const db = useTestDatabase();
  let producer: Producer;
  let running: RunningMaintenance | undefined;

  beforeAll(async () => {
    producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await running?.service.stop();
    await producer?.disconnect();
  });

  it('continues from saved state: the open alert stays open and no alert fires twice', async () => {
    const { failing } = fleet();
    const config = maintenanceConfig(ctx.prefix, db);
    const first = telemetryOf(failing, START_MS, START_MS + 30 * HOUR);
    const rest = telemetryOf(failing, START_MS, START_MS + 34 * HOUR).filter(
      (r) => r.ts > START_MS + 30 * HOUR,
    );
    const collected = await collectTopics(ctx.kafka, [ctx.topics.alerts]);
    try {
      running = await runMaintenance(ctx.kafka, producer, config);
      await produce(producer, ctx.topics.telemetry, first);
      await waitFor(() => collected.records.length >= 1, 30_000, 'the warning');
      await waitFor(
        async () => (await pointTimes(db.influx, 'device_health', failing.deviceId)).length === first.length,
        30_000,
        'the first part to be stored',
      );
      await running.service.stop();

      running = await runMaintenance(ctx.kafka, producer, config);
      // The gateway delivers at least once: part of what was already processed comes again.
      await produce(producer, ctx.topics.telemetry, [...first.slice(-30), ...rest]);
      await waitFor(
        async () =>
          (await pointTimes(db.influx, 'device_health', failing.deviceId)).length ===
          first.length + rest.length,
        30_000,
        'the rest to be stored',
      );
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
