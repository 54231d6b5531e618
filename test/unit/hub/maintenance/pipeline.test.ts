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
import type { RecordContent } from '../../../../common/kafka/port.js';
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

const asMessage = (r: TelemetryRecord): RecordContent => ({
  key: Buffer.from(r.deviceId),
  value: Buffer.from(JSON.stringify(r)),
  headers: { schema: 'telemetry/1' },
});

/** What kafkajs throws for a record batch over the broker's max.message.bytes. */
function tooLarge(): Error {
  return Object.assign(new Error('The request included a message larger than the max message size'), {
    name: 'KafkaJSProtocolError',
    type: 'MESSAGE_TOO_LARGE',
    retriable: false,
  });
}

function harness(failFirstWrites = 0, refuse: (records: readonly OutRecord[]) => boolean = () => false) {
  const metrics = new MaintenanceMetrics();
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
        if (refuse(records)) return Promise.reject(tooLarge());
        published.push(...records);
        return Promise.resolve();
      },
    },
    {
      topics,
      backoff: { initialMs: 1, maxMs: 2, factor: 2, jitter: 0 },
      now: () => 123,
      logger: pino({ level: 'silent' }),
      metrics,
      events,
    },
  );
  return { pool, pipeline, points, saved, published, alerts, metrics };
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

  it('sends a reading the detector throws on to the dead letter and assesses the rest', async () => {
    const h = harness();
    const records = stepMotor().slice(0, 4);
    const poison = records[1];
    const observe = h.pool.observe.bind(h.pool);
    h.pool.observe = (record) => {
      if (record.deviceId === 'motor-1' && record.ts === poison?.ts) throw new RangeError('detector bug');
      return observe(record);
    };
    const other = { ...records[0], deviceId: 'motor-2' } as TelemetryRecord;
    await h.pipeline.process([...records, other].map(asMessage), waiting());

    expect(h.published.map((r) => [r.topic, r.key])).toEqual([[topics.deadLetter, 'motor-1']]);
    const letter = JSON.parse(h.published[0]?.value.toString() ?? '') as { reason: string };
    expect(letter.reason).toBe('assessment failed: detector bug');
    // Every other reading is stored; motor-1's state is rebuilt from its saved state next time.
    expect(h.points.filter((p) => p.measurement === 'telemetry').map((p) => p.tags?.device)).toEqual([
      'motor-1',
      'motor-1',
      'motor-1',
      'motor-2',
    ]);
    expect(h.pool.state('motor-1')).toBeUndefined();
    expect(h.pool.state('motor-2')).toBeDefined();
    const outcomes = (await h.metrics.records.get()).values.map((v) => [v.labels.outcome, v.value]);
    expect(Object.fromEntries(outcomes)).toEqual({ assessed: 2, unassessed: 2, dead_letter: 1 });
  });

  it('gives up a record Kafka refuses for good, publishes the others and finishes the batch', async () => {
    const huge = 'x'.repeat(400_000);
    // Any send holding the letter for the huge record is refused, as a broker would.
    const h = harness(0, (records) => records.some((r) => r.value.length > 500_000));
    const w = waiting();
    await h.pipeline.process(
      [
        { key: Buffer.from('motor-1'), value: Buffer.from(huge), headers: {} },
        { key: Buffer.from('motor-2'), value: Buffer.from('{nope'), headers: {} },
      ],
      w,
    );
    // The dead letter keeps at most 256 KiB of the payload, so Kafka takes it.
    expect(h.published.map((r) => r.key)).toEqual(['motor-1', 'motor-2']);
    const kept = JSON.parse(h.published[0]?.value.toString() ?? '') as {
      reason: string;
      payloadBase64: string;
    };
    expect(kept.reason).toMatch(/\(payload truncated to 262144 of 400000 bytes\)$/);
    expect(Buffer.from(kept.payloadBase64, 'base64')).toHaveLength(262_144);

    const strict = harness(0, (records) => records.some((r) => r.key === 'motor-1'));
    await strict.pipeline.process(
      [
        { key: Buffer.from('motor-1'), value: Buffer.from('{nope'), headers: {} },
        { key: Buffer.from('motor-2'), value: Buffer.from('{nope'), headers: {} },
      ],
      waiting(),
    );
    expect(strict.published.map((r) => r.key)).toEqual(['motor-2']);
    expect((await strict.metrics.publishDropped.get()).values).toEqual([
      expect.objectContaining({ labels: { kind: 'dead_letter' }, value: 1 }),
    ]);
  });

  it('checkpoints the devices changed since the last checkpoint', async () => {
    const h = harness();
    await h.pipeline.process(stepMotor().slice(0, 3).map(asMessage), waiting());
    expect(await h.pipeline.checkpoint(waiting())).toBe(1);
    expect(await h.pipeline.checkpoint(waiting())).toBe(0);
  });
});
