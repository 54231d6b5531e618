import { EventEmitter } from 'node:events';
import type { IPoint } from 'influx';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/index.js';
import { kafkaTopicNames, type AlertRecord, type TelemetryRecord } from '../../../../contracts/index.js';
import type { OutRecord } from '../../../../common/kafka/record-batcher.js';
import { InfluxWriteError } from '../../../../hub/influx/errors.js';
import type { WriteOutcome } from '../../../../hub/influx/writer.js';
import type { DeviceState } from '../../../../hub/maintenance/detector/device-state.js';
import { DEFAULT_PARAMS } from '../../../../hub/maintenance/detector/params.js';
import { profilesFromConfig } from '../../../../hub/maintenance/detector/profiles.js';
import { DevicePool } from '../../../../hub/maintenance/device-pool.js';
import type { MaintenanceEvents } from '../../../../hub/maintenance/events.js';
import { MaintenanceMetrics } from '../../../../hub/maintenance/metrics.js';
import { MaintenancePipeline } from '../../../../hub/maintenance/pipeline.js';
import type { RawMessage } from '../../../../hub/maintenance/telemetry-decoder.js';
import { HOUR, MINUTE, T0, gaussian } from './detector/series.js';

const topics = kafkaTopicNames('iot');
const accepted = (n: number): WriteOutcome => ({
  written: n,
  droppedBeyondRetention: 0,
  droppedRejected: 0,
  reasons: [],
});

/** A motor whose vibration steps up by 60% on its third day, every 10 minutes for three days. */
function stepMotor(): TelemetryRecord[] {
  const noise = gaussian(21);
  const out: TelemetryRecord[] = [];
  for (let t = T0; t <= T0 + 72 * HOUR; t += 10 * MINUTE) {
    const vibration = 2 * Math.exp(0.06 * noise()) * (t >= T0 + 48 * HOUR ? 1.6 : 1);
    out.push({
      deviceId: 'motor-1',
      ts: t,
      receivedAt: t,
      metrics: {
        speed_rpm: 1450 + 2 * noise(),
        vibration_rms_mm_s: vibration,
        temperature_c: 60 + 0.15 * noise(),
      },
    });
  }
  return out;
}

const asMessage = (r: TelemetryRecord): RawMessage => ({
  key: Buffer.from(r.deviceId),
  value: Buffer.from(JSON.stringify(r)),
  headers: { schema: 'telemetry/1' },
});

function harness(failFirstWrites = 0) {
  const points: IPoint[] = [];
  const saved: string[][] = [];
  const published: OutRecord[] = [];
  const alerts: AlertRecord[] = [];
  let failures = failFirstWrites;
  const events = new EventEmitter<MaintenanceEvents>();
  events.on('alert', (a) => alerts.push(a));
  const pool = new DevicePool(profilesFromConfig(configSchema.parse({}).maintenance), DEFAULT_PARAMS);
  const pipeline = new MaintenancePipeline(
    pool,
    {
      series: {
        write(batch) {
          if (failures > 0) {
            failures--;
            return Promise.reject(new InfluxWriteError('unavailable', 'connect ECONNREFUSED'));
          }
          points.push(...batch);
          return Promise.resolve(accepted(batch.length));
        },
      },
      states: {
        load: () => Promise.resolve(new Map<string, DeviceState>()),
        save: (states) => {
          saved.push(states.map((s) => s.deviceId));
          return Promise.resolve(accepted(states.length));
        },
      },
      publish: (records) => {
        published.push(...records);
        return Promise.resolve();
      },
    },
    {
      topics,
      backoff: { initialMs: 1, maxMs: 2, factor: 2, jitter: 0 },
      now: () => 123,
      logger: pino({ level: 'silent' }),
      metrics: new MaintenanceMetrics(),
      events,
    },
  );
  return { pool, pipeline, points, saved, published, alerts };
}

const waiting = () => {
  let waits = 0;
  return {
    signal: new AbortController().signal,
    beforeWait: () => {
      waits++;
      return Promise.resolve();
    },
    waits: () => waits,
  };
};

describe('maintenance pipeline', () => {
  it('stores every reading once, raises one alert, and saves the state with it', async () => {
    const h = harness();
    const records = stepMotor();
    for (let i = 0; i < records.length; i += 50) {
      await h.pipeline.process(records.slice(i, i + 50).map(asMessage), waiting());
    }
    const times = (m: string) => h.points.filter((p) => p.measurement === m).map((p) => p.timestamp);
    expect(times('telemetry')).toEqual(records.map((r) => r.ts));
    expect(times('device_health')).toEqual(records.map((r) => r.ts));
    expect(h.alerts.map((a) => [a.deviceId, a.kind, a.metric])).toEqual([
      ['motor-1', 'degradation', 'vibration_rms_mm_s'],
    ]);
    expect(times('alerts')).toEqual([h.alerts[0]?.at]);
    expect(h.published.map((r) => [r.topic, r.key, r.headers.schema])).toEqual([
      [topics.alerts, 'motor-1', 'alert/1'],
    ]);
    expect(h.saved).toEqual([['motor-1']]);
  });

  it('holds a batch while InfluxDB is down and stores it once when it is back', async () => {
    const h = harness(3);
    const records = stepMotor().slice(0, 20);
    const w = waiting();
    await h.pipeline.process(records.map(asMessage), w);
    expect(w.waits()).toBe(3);
    expect(h.points.filter((p) => p.measurement === 'telemetry')).toHaveLength(20);
  });

  it('gives up on stop and forgets the devices the batch touched', async () => {
    const h = harness(1_000_000);
    const abort = new AbortController();
    const processing = h.pipeline.process(stepMotor().slice(0, 5).map(asMessage), {
      signal: abort.signal,
      beforeWait: () => Promise.resolve(),
    });
    abort.abort(new Error('stopping'));
    await expect(processing).rejects.toThrow('stopping');
    expect(h.pool.state('motor-1')).toBeUndefined();
    expect(h.points).toEqual([]);
  });

  it('sends what it cannot read to the dead letter, with the bytes and the reason', async () => {
    const h = harness();
    await h.pipeline.process(
      [{ key: Buffer.from('motor-1'), value: Buffer.from('{nope'), headers: {} }],
      waiting(),
    );
    expect(h.published).toHaveLength(1);
    const letter = JSON.parse(h.published[0]?.value.toString() ?? '') as Record<string, unknown>;
    expect(letter).toMatchObject({
      source: 'hub/maintenance',
      topic: topics.telemetry,
      deviceId: 'motor-1',
      payloadBase64: Buffer.from('{nope').toString('base64'),
      at: 123,
    });
    expect(h.published[0]?.topic).toBe(topics.deadLetter);
  });

  it('checkpoints the devices changed since the last checkpoint', async () => {
    const h = harness();
    await h.pipeline.process(stepMotor().slice(0, 3).map(asMessage), waiting());
    expect(await h.pipeline.checkpoint(waiting())).toBe(1);
    expect(await h.pipeline.checkpoint(waiting())).toBe(0);
  });
});
