import type { EventEmitter } from 'node:events';
import type { IPoint } from 'influx';
import type { AlertRecord, TelemetryRecord } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { RecordContent } from '../../common/kafka/port.js';
import type { OutRecord } from '../../common/kafka/record-batcher.js';
import { decodeRecord, encodeRecord } from '../../common/kafka/record-codec.js';
import type { BackoffOptions } from '../../common/retry.js';
import { InfluxWriteError } from '../influx/errors.js';
import type { WriteOutcome } from '../influx/writer.js';
import { alertRecordOf } from './alert-record.js';
import { deadLetter } from './dead-letter.js';
import type { Assessment } from './detector/device-state.js';
import type { DevicePool } from './device-pool.js';
import { durably, isRetriable } from './durably.js';
import { deviceHealthOf, type MaintenanceEvents } from './events.js';
import type { MaintenanceMetrics } from './metrics.js';
import { alertPoint, healthPoint, telemetryPoint } from './points.js';
import type { StateStore } from './state-store.js';

/** The outside world the pipeline needs: ports, so tests can hand it fakes. */
export interface PipelinePorts {
  /** Time series in the data retention policy. */
  series: { write(points: readonly IPoint[]): Promise<WriteOutcome> };
  states: StateStore;
  /** Sends records to Kafka with acks=all. */
  publish(records: readonly OutRecord[]): Promise<void>;
}

export interface PipelineOptions {
  topics: { telemetry: string; alerts: string; deadLetter: string };
  backoff: BackoffOptions;
  now: () => number;
  logger: Logger;
  metrics: MaintenanceMetrics;
  events: EventEmitter<MaintenanceEvents>;
}

export interface Waiting {
  signal: AbortSignal;
  /** Called between retries; the consumer heartbeats there. */
  beforeWait: () => Promise<void>;
}

/** Attempts at a send Kafka refuses for good (a record too large, say) before giving it up. */
const REFUSED_SEND_ATTEMPTS = 3;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One batch of telemetry from decoding to stored: assess every reading, write raw and derived
 * points to InfluxDB, save the state of devices whose alert changed, then publish alerts and
 * dead letters. Only when this resolves may the batch's offsets move on. If it throws, the
 * devices it touched are forgotten, so they are rebuilt from their saved state and a replay.
 */
export class MaintenancePipeline {
  constructor(
    private readonly pool: DevicePool,
    private readonly ports: PipelinePorts,
    private readonly o: PipelineOptions,
  ) {}

  async process(messages: readonly RecordContent[], waiting: Waiting): Promise<void> {
    const started = process.hrtime.bigint();
    const records: TelemetryRecord[] = [];
    const refused: OutRecord[] = [];
    for (const message of messages) {
      const decoded = decodeRecord('telemetry', message);
      if (decoded.ok) records.push(decoded.value);
      else {
        const { reason, deviceId } = decoded;
        refused.push(
          deadLetter(
            {
              reason,
              ...(deviceId === undefined ? {} : { deviceId }),
              topic: this.o.topics.telemetry,
              value: message.value,
            },
            this.o.topics.deadLetter,
            this.o.now(),
          ),
        );
        this.o.metrics.records.inc({ outcome: 'dead_letter' });
      }
    }
    const touched = new Set(records.map((r) => r.deviceId));
    try {
      await this.lookUp(touched, waiting);
      const { points, alerts, latest, alertChanged, failed } = this.assess(records);
      for (const { record, error } of failed) {
        refused.push(
          deadLetter(
            {
              reason: `assessment failed: ${messageOf(error)}`,
              deviceId: record.deviceId,
              topic: this.o.topics.telemetry,
              value: Buffer.from(JSON.stringify(record)),
            },
            this.o.topics.deadLetter,
            this.o.now(),
          ),
        );
      }
      await this.store(points, waiting);
      if (alertChanged.length > 0) {
        const states = alertChanged.flatMap((id) => this.pool.state(id) ?? []);
        await this.retrying('save device state', () => this.ports.states.save(states), waiting);
      }
      const out = [...alerts.map((a) => encodeRecord('alerts', a, { topics: this.o.topics })), ...refused];
      if (out.length > 0) await this.publish(out, waiting);
      for (const alert of alerts) {
        this.o.metrics.alerts.inc({ severity: alert.severity });
        this.o.events.emit('alert', alert);
      }
      for (const a of latest.values()) this.o.events.emit('health', deviceHealthOf(a));
    } catch (error) {
      this.pool.evict(touched);
      throw error;
    } finally {
      this.o.metrics.devices.set(this.pool.size);
      this.o.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  /** Saves every state changed since the last checkpoint; after it, offsets may be committed. */
  async checkpoint(waiting: Waiting): Promise<number> {
    const dirty = this.pool.takeDirty();
    if (dirty.length === 0) return 0;
    try {
      const outcome = await this.retrying('save device state', () => this.ports.states.save(dirty), waiting);
      this.countDropped(outcome);
    } catch (error) {
      this.pool.markDirty(dirty.map((s) => s.deviceId));
      throw error;
    }
    return dirty.length;
  }

  private async lookUp(deviceIds: Iterable<string>, waiting: Waiting): Promise<void> {
    const unknown = this.pool.unknown(deviceIds);
    if (unknown.length === 0) return;
    const found = await this.retrying('load device state', () => this.ports.states.load(unknown), waiting);
    this.pool.adopt(unknown, found);
  }

  private assess(records: readonly TelemetryRecord[]): {
    points: IPoint[];
    alerts: AlertRecord[];
    latest: Map<string, Assessment>;
    alertChanged: string[];
    failed: { record: TelemetryRecord; error: unknown }[];
  } {
    const points: IPoint[] = [];
    const alerts: AlertRecord[] = [];
    const latest = new Map<string, Assessment>();
    const alertChanged = new Set<string>();
    const failed: { record: TelemetryRecord; error: unknown }[] = [];
    const broken = new Set<string>();
    for (const record of records) {
      if (broken.has(record.deviceId)) {
        points.push(telemetryPoint(record));
        this.o.metrics.records.inc({ outcome: 'unassessed' });
        continue;
      }
      let assessment: Assessment | null;
      try {
        assessment = this.assessOne(record);
      } catch (error) {
        // One reading the detector cannot take must not hold the partition: it goes to the dead
        // letter, and the device's state, maybe half updated, is rebuilt from its saved state on
        // its next batch; its later readings in this batch are stored without an assessment.
        this.pool.evict([record.deviceId]);
        broken.add(record.deviceId);
        failed.push({ record, error });
        this.o.metrics.records.inc({ outcome: 'dead_letter' });
        this.o.logger.error(
          { deviceId: record.deviceId, ts: record.ts, err: messageOf(error) },
          'assessment failed; reading sent to the dead letter',
        );
        continue;
      }
      points.push(telemetryPoint(record));
      if (assessment === null) continue;
      points.push(healthPoint(assessment));
      latest.set(assessment.deviceId, assessment);
      const alert = alertRecordOf(assessment);
      if (alert === null) continue;
      alerts.push(alert);
      points.push(alertPoint(alert));
      alertChanged.add(assessment.deviceId);
    }
    return {
      points,
      alerts,
      latest,
      alertChanged: [...alertChanged].filter((id) => !broken.has(id)),
      failed,
    };
  }

  private assessOne(record: TelemetryRecord): Assessment | null {
    const known = this.pool.state(record.deviceId) !== undefined;
    const assessment = this.pool.observe(record);
    this.o.metrics.records.inc({
      outcome: assessment === null ? (known ? 'stale' : 'unmodelled') : 'assessed',
    });
    return assessment;
  }

  /**
   * Sends alerts and dead letters. Kafka refusing the whole send for good (one record too large,
   * say) does not hold the partition: each record is then sent alone, and one Kafka still refuses
   * is given up and counted.
   */
  private async publish(records: readonly OutRecord[], waiting: Waiting): Promise<void> {
    const whole = await this.sendOrRefuse(records, waiting);
    if (whole === undefined) return;
    if (records.length === 1) return this.dropped(records[0], whole.error);
    for (const record of records) {
      const alone = await this.sendOrRefuse([record], waiting);
      if (alone !== undefined) this.dropped(record, alone.error);
    }
  }

  /** Undefined once Kafka acknowledged; the error when it refuses these records for good. */
  private async sendOrRefuse(
    records: readonly OutRecord[],
    waiting: Waiting,
  ): Promise<{ error: unknown } | undefined> {
    try {
      await this.retrying('publish to Kafka', () => this.ports.publish(records), waiting, false);
      return undefined;
    } catch (error) {
      if (waiting.signal.aborted || isRetriable(error)) throw error;
      return { error };
    }
  }

  private dropped(record: OutRecord | undefined, error: unknown): void {
    if (record === undefined) return;
    const kind = record.topic === this.o.topics.alerts ? 'alert' : 'dead_letter';
    this.o.metrics.publishDropped.inc({ kind });
    this.o.logger.error(
      { topic: record.topic, key: record.key, bytes: record.value.length, err: messageOf(error) },
      'Kafka refuses this record for good; not published',
    );
  }

  private async store(points: readonly IPoint[], waiting: Waiting): Promise<void> {
    const outcome = await this.retrying('write points', () => this.ports.series.write(points), waiting);
    this.countDropped(outcome);
    const byMeasurement = new Map<string, number>();
    for (const p of points) {
      const measurement = p.measurement ?? '';
      byMeasurement.set(measurement, (byMeasurement.get(measurement) ?? 0) + 1);
    }
    for (const [measurement, n] of byMeasurement) this.o.metrics.points.inc({ measurement }, n);
  }

  private countDropped(outcome: WriteOutcome): void {
    if (outcome.droppedBeyondRetention > 0) {
      this.o.metrics.pointsDropped.inc({ reason: 'retention' }, outcome.droppedBeyondRetention);
    }
    if (outcome.droppedRejected > 0) {
      this.o.metrics.pointsDropped.inc({ reason: 'rejected' }, outcome.droppedRejected);
    }
    if (outcome.reasons.length > 0 || outcome.droppedBeyondRetention > 0) {
      this.o.logger.warn(
        {
          beyondRetention: outcome.droppedBeyondRetention,
          rejected: outcome.droppedRejected,
          reasons: outcome.reasons.slice(0, 3),
        },
        'InfluxDB will not take some points; dropped them',
      );
    }
  }

  private async retrying<T>(
    what: string,
    operation: () => Promise<T>,
    waiting: Waiting,
    influx = true,
  ): Promise<T> {
    let failed = false;
    const result = await durably(operation, {
      backoff: this.o.backoff,
      signal: waiting.signal,
      beforeWait: waiting.beforeWait,
      isRetriable,
      nonRetriableAttempts: REFUSED_SEND_ATTEMPTS,
      onFailure: (error, attempt, delayMs) => {
        failed = true;
        const code = error instanceof InfluxWriteError ? error.code : 'other';
        this.o.metrics.writeFailures.inc({ code });
        if (influx) this.o.metrics.influxUp.set(0);
        const log = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
        this.o.logger[log](
          { err: error, attempt, retryInMs: delayMs },
          `${what} failed; holding the batch and retrying`,
        );
      },
    });
    if (influx) this.o.metrics.influxUp.set(1);
    if (failed) this.o.logger.info(`${what} succeeded again; consuming resumes`);
    return result;
  }
}
