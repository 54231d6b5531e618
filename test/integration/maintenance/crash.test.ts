import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { useTestDatabase } from '../../helpers/influx.js';
import { collectTopics, useTestTopics } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';
import { HOUR, START_MS, fleet, pointTimes, produce, telemetryOf } from './helpers.js';

async function startProcess(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/integration/maintenance/fixtures/maintenance-process.ts'],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => line === 'ready' && resolve());
    child.once('exit', (code) =>
      reject(new Error(`maintenance process exited with ${code} before it was ready`)),
    );
  });
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('maintenance process killed', () => {
  const ctx = useTestTopics();
  const db = useTestDatabase();
  let producer: Producer;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    producer = ctx.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => {
    await kill(child);
    await producer?.disconnect();
  });

  it('resumes from the state saved with its last alert: the alert neither vanishes nor fires again', async () => {
    const env = {
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      INFLUX_URL: db.url,
      LOG_LEVEL: 'warn',
      // No periodic checkpoint: only the state saved with the alert survives the kill.
      MAINTENANCE_SNAPSHOT_INTERVAL_MS: '3600000',
      // The killed member's partitions are reassigned once its session expires.
      MAINTENANCE_SESSION_TIMEOUT_MS: '6000',
    };
    const { failing } = fleet();
    const first = telemetryOf(failing, START_MS, START_MS + 30 * HOUR);
    const rest = telemetryOf(failing, START_MS, START_MS + 34 * HOUR).filter(
      (r) => r.ts > START_MS + 30 * HOUR,
    );
    const collected = await collectTopics(ctx.kafka, [ctx.topics.alerts]);
    try {
      child = await startProcess(env);
      await produce(producer, ctx.topics.telemetry, first);
      await waitFor(() => collected.records.length >= 1, 30_000, 'the warning');
      await waitFor(
        async () => (await pointTimes(db.influx, 'device_health', failing.deviceId)).length === first.length,
        30_000,
        'the first part to be stored',
      );
      await kill(child);

      child = await startProcess(env);
      await produce(producer, ctx.topics.telemetry, rest);
      await waitFor(() => collected.records.length >= 2, 30_000, 'the escalation');
      await waitFor(
        async () =>
          (await pointTimes(db.influx, 'device_health', failing.deviceId)).length ===
          first.length + rest.length,
        30_000,
        'everything to be stored',
      );
      expect(collected.records.map((r) => [r.key, r.value.severity])).toEqual([
        [failing.deviceId, 'warning'],
        [failing.deviceId, 'critical'],
      ]);
    } finally {
      await collected.stop();
    }
  });
});
