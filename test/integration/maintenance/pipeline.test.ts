import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../../contracts/index.js';
import type { DeviceHealth } from '../../../hub/maintenance/index.js';
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

describe('maintenance consumer from Kafka to InfluxDB', () => {
  const ctx = useTestTopics();
  const db = useTestDatabase();
  let producer: Producer;
  let running: RunningMaintenance;
  const alerts: AlertRecord[] = [];
  const health = new Map<string, DeviceHealth>();

  beforeAll(async () => {
    producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    running = await runMaintenance(ctx.kafka, producer, maintenanceConfig(ctx.prefix, db));
    running.service.on('alert', (a) => alerts.push(a));
    running.service.on('health', (h) => health.set(h.deviceId, h));
  });
  afterAll(async () => {
    await running?.service.stop();
    await producer?.disconnect();
  });

  it('writes readings and health, alerts on the wearing motor only (warning, then critical), dead-letters bad records', async () => {
    const { healthy, failing } = fleet();
    const end = START_MS + 34 * HOUR;
    const good = [...telemetryOf(healthy, START_MS, end), ...telemetryOf(failing, START_MS, end)];
    const collected = await collectTopics(ctx.kafka, [ctx.topics.alerts, ctx.topics.deadLetter]);
    try {
      await produce(producer, ctx.topics.telemetry, good);
      await producer.send({
        topic: ctx.topics.telemetry,
        messages: [
          { key: failing.deviceId, value: '{not json', headers: { schema: 'telemetry/1' } },
          { key: healthy.deviceId, value: JSON.stringify(good[0]), headers: { schema: 'telemetry/2' } },
        ],
      });

      const perDevice = (id: string): number => good.filter((r) => r.deviceId === id).length;
      for (const spec of [healthy, failing]) {
        await waitFor(
          async () =>
            (await pointTimes(db.influx, 'device_health', spec.deviceId)).length === perDevice(spec.deviceId),
          30_000,
          `device_health of ${spec.deviceId}`,
        );
        const times = await pointTimes(db.influx, 'telemetry', spec.deviceId);
        expect(times.sort()).toEqual(good.filter((r) => r.deviceId === spec.deviceId).map((r) => r.ts));
      }

      const onKafka = await waitFor(() => {
        const a = collected.records.filter((r) => r.topic === ctx.topics.alerts);
        const d = collected.records.filter((r) => r.topic === ctx.topics.deadLetter);
        return a.length >= 2 && d.length >= 2 ? { a, d } : null;
      });
      expect(onKafka.a.map((r) => [r.key, r.value.severity, r.value.kind])).toEqual([
        [failing.deviceId, 'warning', 'degradation'],
        [failing.deviceId, 'critical', 'degradation'],
      ]);
      const warning = onKafka.a[0]?.value ?? {};
      expect(warning.at).toBeGreaterThan(START_MS + 24 * HOUR);
      expect(warning.metric).toBe('vibration_rms_mm_s');
      expect(onKafka.a[0]?.headers).toMatchObject({ schema: 'alert/1', 'device-id': failing.deviceId });
      expect(onKafka.d.map((r) => r.value.source)).toEqual(['hub/maintenance', 'hub/maintenance']);
      expect(onKafka.d.map((r) => String(r.value.reason)).sort()).toEqual([
        expect.stringMatching(/^invalid_json: not JSON/),
        expect.stringMatching(/^unsupported schema version telemetry\/2/),
      ]);

      const stored = await db.influx.query<{
        kind: string;
        severity: string;
        message: string;
        score: number;
      }>(`SELECT * FROM alerts WHERE "device" = '${failing.deviceId}'`);
      expect(stored.map((r) => [r.kind, r.severity])).toEqual([
        ['degradation', 'warning'],
        ['degradation', 'critical'],
      ]);
      expect(alerts.map((a) => a.severity)).toEqual(['warning', 'critical']);
      expect(onKafka.a[1]?.value.rulHours).toBeGreaterThanOrEqual(0);
      expect(health.get(failing.deviceId)?.alert).toBe('critical');
      expect(health.get(healthy.deviceId)).toMatchObject({ alert: null, machineType: 'pump' });
    } finally {
      await collected.stop();
    }
  });
});
