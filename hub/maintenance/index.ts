import { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import type { Config } from '../../config/index.js';
import { kafkaTopicNames } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { ConsumerMonitor } from '../../common/kafka/consumer-monitor.js';
import type { KafkaPort, RecordProducer } from '../../common/kafka/port.js';
import { ensureDatabase, DATA_RETENTION_POLICY } from '../influx/bootstrap.js';
import { createInfluxClient, type InfluxConnection } from '../influx/client.js';
import { STATE_RETENTION_POLICY } from '../influx/measurements.js';
import { PointWriter } from '../influx/writer.js';
import { MaintenanceConsumer } from './consumer.js';
import { DEFAULT_PARAMS } from './detector/params.js';
import { profilesFromConfig } from './detector/profiles.js';
import { DevicePool } from './device-pool.js';
import { durably } from './durably.js';
import type { MaintenanceEvents } from './events.js';
import { MaintenanceMetrics } from './metrics.js';
import { MaintenancePipeline } from './pipeline.js';
import { InfluxStateStore } from './state-store.js';

export type { DeviceHealth, MaintenanceEvents } from './events.js';

export interface MaintenanceDeps {
  /** The kafka, influx and maintenance sections are read. */
  config: Config;
  kafka: KafkaPort;
  /** A connected producer (idempotent, acks=all) for alerts and dead letters; the caller owns it. */
  producer: RecordProducer;
  logger: Logger;
  /** The device registry; a device's `machineType` attribute ("pump" or "motor") wins over inference. */
  registry?: { get(deviceId: string): { attributes: Readonly<Record<string, unknown>> } | undefined };
  /** Where the maintenance_* metrics are registered, such as the hub's /metrics registry. */
  metricsRegistry?: Registry;
  /** Where the consumer reports its state, restarts and skipped records, such as the hub's. */
  consumerMonitor?: ConsumerMonitor;
  /** Tests pass a faster backoff; the default retries from 200 ms up to 5 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** An InfluxDB client to use instead of one built from INFLUX_URL. */
  influx?: InfluxConnection;
}

export interface MaintenanceStatus {
  state: 'starting' | 'running' | 'stopped';
  /** Devices whose health state this process holds. */
  devices: number;
}

export interface MaintenanceService {
  on<E extends keyof MaintenanceEvents>(event: E, listener: (...args: MaintenanceEvents[E]) => void): this;
  off<E extends keyof MaintenanceEvents>(event: E, listener: (...args: MaintenanceEvents[E]) => void): this;
  /** Resolves once InfluxDB is set up and the consumer has joined its group. */
  readonly ready: Promise<void>;
  status(): MaintenanceStatus;
  /** Finishes or abandons the batch in progress, saves state, commits, leaves the group; idempotent. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const INFLUX_REQUEST_TIMEOUT_MS = 10_000;
const DAY_MS = 86_400_000;
/** Capped below the shortest group session timeout: the consumer heartbeats between attempts. */
const DEFAULT_BACKOFF = { initialMs: 200, maxMs: 5_000, factor: 2, jitter: 0.2 };

class Maintenance extends EventEmitter<MaintenanceEvents> implements MaintenanceService {
  ready: Promise<void> = Promise.resolve();
  private state: MaintenanceStatus['state'] = 'starting';
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private consumer: MaintenanceConsumer | undefined;

  constructor(private readonly pool: DevicePool) {
    super();
  }

  begin(
    consumer: MaintenanceConsumer,
    setUp: (signal: AbortSignal) => Promise<void>,
    join: (signal: AbortSignal) => Promise<void>,
    log: Logger,
  ): void {
    this.consumer = consumer;
    this.ready = (async () => {
      await setUp(this.abort.signal);
      await join(this.abort.signal);
      this.state = 'running';
      log.info('maintenance consumer running');
    })();
    // A failure to start is logged here whether or not anyone waits for `ready`.
    this.ready.catch((error: unknown) => {
      if (!this.abort.signal.aborted) log.error({ err: error }, 'maintenance failed to start');
    });
  }

  status(): MaintenanceStatus {
    return { state: this.state, devices: this.pool.size };
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.abort.abort(new Error('maintenance stopping'));
      await this.ready.catch(() => undefined);
      await this.consumer?.stop();
      this.state = 'stopped';
    })();
    return this.stopping;
  }
}

/**
 * Starts the predictive-maintenance consumer: telemetry from Kafka, per-device health and
 * remaining useful life, raw and derived series and alerts to InfluxDB, alerts to Kafka.
 * Returns at once; InfluxDB set-up and the group join go on in the background (retried while
 * InfluxDB is down), see `ready`.
 */
export function startMaintenance(deps: MaintenanceDeps): MaintenanceService {
  const { config } = deps;
  const log = deps.logger.child({ component: 'maintenance' });
  const m = config.maintenance;
  const topics = kafkaTopicNames(config.kafka.topicPrefix);
  const groupId = m.groupId ?? `${config.kafka.topicPrefix}.maintenance`;
  const { influx, database } =
    deps.influx ?? createInfluxClient(config.influx.url, { requestTimeoutMs: INFLUX_REQUEST_TIMEOUT_MS });
  const backoff = { ...DEFAULT_BACKOFF, ...deps.backoff };
  const writer = (retentionPolicy: string, retentionMs: number): PointWriter =>
    new PointWriter(influx, {
      database,
      retentionPolicy,
      retentionMs,
      maxPointsPerRequest: m.writeBatchPoints,
    });

  const pool = new DevicePool(
    profilesFromConfig(m),
    DEFAULT_PARAMS,
    (id) => deps.registry?.get(id)?.attributes,
  );
  const service = new Maintenance(pool);
  const pipeline = new MaintenancePipeline(
    pool,
    {
      series: writer(DATA_RETENTION_POLICY, m.retentionDays * DAY_MS),
      states: new InfluxStateStore(influx, database, writer(STATE_RETENTION_POLICY, Infinity)),
      publish: (records) => deps.producer.send(records),
    },
    {
      topics,
      backoff,
      now: Date.now,
      logger: log,
      metrics: new MaintenanceMetrics(deps.metricsRegistry),
      events: service,
    },
  );
  const consumer = new MaintenanceConsumer({
    kafka: deps.kafka,
    groupId,
    topic: topics.telemetry,
    pipeline,
    pool,
    checkpointIntervalMs: m.snapshotIntervalMs,
    sessionTimeoutMs: m.sessionTimeoutMs,
    stopGraceMs: STOP_GRACE_MS,
    logger: log,
    ...(deps.consumerMonitor === undefined ? {} : { monitor: deps.consumerMonitor }),
  });
  const setUp = (signal: AbortSignal): Promise<void> =>
    durably(() => ensureDatabase(influx, { database, retentionDays: m.retentionDays }), {
      backoff,
      signal,
      beforeWait: () => Promise.resolve(),
      onFailure: (error, attempt) => {
        if (attempt === 1 || attempt % 10 === 0)
          log.warn({ err: error, attempt }, 'InfluxDB not ready; retrying');
      },
    });
  // Crashes after the first join are the consumer's to recover from; the first join is retried here.
  const join = (signal: AbortSignal): Promise<void> =>
    durably(() => consumer.start(), {
      backoff,
      signal,
      beforeWait: () => Promise.resolve(),
      onFailure: (error, attempt) => {
        if (attempt === 1 || attempt % 10 === 0)
          log.warn({ err: error, attempt }, 'maintenance consumer could not join its group; retrying');
      },
    });
  service.begin(consumer, setUp, join, log);
  log.info({ groupId, database }, 'maintenance starting');
  return service;
}
