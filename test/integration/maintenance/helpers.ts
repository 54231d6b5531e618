import type { InfluxDB } from 'influx';
import type { Kafka, Producer } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { configSchema, type Config } from '../../../config/index.js';
import { SCHEMAS, buildHeaders, type TelemetryRecord } from '../../../contracts/index.js';
import { generateFleet, simulateDevice, type DeviceSpec } from '../../../device-sim/index.js';
import { kafkajsPort } from '../../../common/kafka/kafkajs-port.js';
import { producerSink } from '../../../common/kafka/producer-sink.js';
import { startMaintenance, type MaintenanceService } from '../../../hub/maintenance/index.js';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import type { TestDatabase } from '../../helpers/influx.js';

export const HOUR = 3_600_000;
const STEP_MS = 10 * 60_000;

/** Device time of the first reading: recent enough for the retention policy, long enough ago for 40 h. */
export const START_MS = Math.floor((Date.now() - 3 * 24 * HOUR) / STEP_MS) * STEP_MS;

export function maintenanceConfig(
  prefix: string,
  db: TestDatabase,
  overrides: Record<string, unknown> = {},
): Config {
  return configSchema.parse({
    kafka: { brokers: KAFKA_BROKERS, topicPrefix: prefix },
    influx: { url: db.url },
    maintenance: { snapshotIntervalMs: 200, ...overrides },
    log: { level: 'silent' },
  });
}

export interface RunningMaintenance {
  service: MaintenanceService;
  metrics: Registry;
}

export async function runMaintenance(
  kafka: Kafka,
  producer: Producer,
  config: Config,
): Promise<RunningMaintenance> {
  const metrics = new Registry();
  const service = startMaintenance({
    config,
    kafka: kafkajsPort(kafka),
    producer: producerSink(producer),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    metricsRegistry: metrics,
    backoff: { initialMs: 100, maxMs: 1_000 },
  });
  await service.ready;
  return { service, metrics };
}

/** A pump that stays healthy, and a motor whose bearing wears from hour 24 and fails at hour 36. */
export function fleet(): { healthy: DeviceSpec; failing: DeviceSpec } {
  const specs = generateFleet({
    devices: 8,
    seed: 7,
    faults: 0,
    prefix: 'm-',
    startMs: START_MS,
    horizonMs: 48 * HOUR,
  });
  const healthy = specs.find((s) => s.machineType === 'pump');
  const motor = specs.find((s) => s.machineType === 'motor');
  if (healthy === undefined || motor === undefined) throw new Error('seed 7 has no pump or no motor');
  const failing: DeviceSpec = {
    ...motor,
    fault: {
      mode: 'bearing_wear',
      onsetMs: START_MS + 24 * HOUR,
      failureMs: START_MS + 36 * HOUR,
      afterFailure: 'stopped',
    },
  };
  return { healthy, failing };
}

/** The records the gateway would write for a device's readings every 10 simulated minutes. */
export function telemetryOf(spec: DeviceSpec, fromMs: number, toMs: number): TelemetryRecord[] {
  const out: TelemetryRecord[] = [];
  let seq = 0;
  for (const sample of simulateDevice(spec, { fromMs: START_MS, toMs, intervalMs: STEP_MS })) {
    if (sample.reading === null || sample.atMs < fromMs) continue;
    out.push({
      deviceId: spec.deviceId,
      ts: sample.atMs,
      receivedAt: Date.now(),
      seq: seq++,
      metrics: sample.reading.metrics,
    });
  }
  return out;
}

export async function produce(
  producer: Producer,
  topic: string,
  records: readonly TelemetryRecord[],
): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    await producer.send({
      topic,
      acks: -1,
      messages: records.slice(i, i + 500).map((r) => ({
        key: r.deviceId,
        value: JSON.stringify(r),
        headers: buildHeaders({ deviceId: r.deviceId, schema: SCHEMAS.telemetry, gatewayId: 'test-gw' }),
      })),
    });
  }
}

export async function pointTimes(influx: InfluxDB, measurement: string, device: string): Promise<number[]> {
  const rows = await influx.query<{ time: { getNanoTime(): string } }>(
    `SELECT * FROM "${measurement}" WHERE "device" = '${device}'`,
    { precision: 'ms' },
  );
  return rows.map((r) => Number(BigInt(r.time.getNanoTime()) / 1_000_000n));
}

export async function metricValue(metrics: Registry, name: string): Promise<number> {
  const metric = await metrics.getSingleMetric(name)?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}
