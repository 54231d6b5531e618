import { EventEmitter } from 'node:events';
import type { Registry } from 'prom-client';
import type {
  AlertRecord,
  DeviceRegistryRecord,
  FleetChangesMessage,
  FleetSnapshotMessage,
  TelemetrySample,
  TopicKind,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { ConsumerMonitor } from '../../common/kafka/consumer-monitor.js';
import type { KafkaPort } from '../../common/kafka/port.js';
import type { Feature, HealthFragment } from '../../common/process/feature.js';
import type { Route } from '../http/route.js';
import { FleetFeed } from './fleet-feed.js';
import { FleetState } from './fleet-state.js';
import { HealthPoller } from './health-poller.js';
import type { FleetStore } from './influx-store.js';
import { FleetMetrics } from './metrics.js';
import { fleetRoutes } from './routes.js';

export interface FleetEvents {
  /** A reading, as consoles get it; emitted for every device, watched or not. */
  telemetry: [sample: TelemetrySample];
  alert: [alert: AlertRecord];
  /** What changed in the last interval; emitted only when something did. */
  changes: [changes: FleetChangesMessage];
}

/** The registry as the fleet reads it: DeviceRegistryView, already loaded. */
export interface FleetRegistry {
  list(): DeviceRegistryRecord[];
  on(event: 'change', listener: (deviceId: string, record: DeviceRegistryRecord | null) => void): unknown;
  off(event: 'change', listener: (deviceId: string, record: DeviceRegistryRecord | null) => void): unknown;
}

export interface FleetDeps {
  kafka: KafkaPort;
  topics: Readonly<Record<TopicKind, string>>;
  topicPrefix: string;
  registry: FleetRegistry;
  store: FleetStore;
  metricsRegistry: Registry;
  consumerMonitor?: ConsumerMonitor;
  logger: Logger;
  now?: () => number;
  /** How often the latest health is read from InfluxDB. */
  healthIntervalMs?: number;
  /** How often changes are pushed to consoles. */
  changesIntervalMs?: number;
  catchUpTimeoutMs?: number;
}

/**
 * The fleet view of one hub: built from the registry, presence, alerts, telemetry and InfluxDB's
 * health points; pushes changes on a timer, so a busy fleet costs consoles one message per
 * interval rather than one per record.
 */
export class FleetFeature extends EventEmitter<FleetEvents> implements Feature<Route> {
  readonly name = 'fleet';
  readonly state = new FleetState();
  readonly routes: Route[];
  private readonly feed: FleetFeed;
  private readonly poller: HealthPoller;
  private readonly metrics: FleetMetrics;
  private readonly logger: Logger;
  private readonly now: () => number;
  private flusher: NodeJS.Timeout | undefined;
  private readonly onRegistry = (deviceId: string, record: DeviceRegistryRecord | null): void =>
    this.state.registry(deviceId, record);

  constructor(private readonly deps: FleetDeps) {
    super();
    this.now = deps.now ?? Date.now;
    this.logger = deps.logger.child({ component: 'fleet' });
    this.metrics = new FleetMetrics(deps.metricsRegistry, this.state);
    this.feed = new FleetFeed({
      kafka: deps.kafka,
      topics: deps.topics,
      topicPrefix: deps.topicPrefix,
      logger: this.logger,
      catchUpTimeoutMs: deps.catchUpTimeoutMs ?? 20_000,
      ...(deps.consumerMonitor === undefined ? {} : { monitor: deps.consumerMonitor }),
    });
    this.poller = new HealthPoller({
      read: () => deps.store.latestHealth(),
      apply: (points) => this.state.health(points),
      intervalMs: deps.healthIntervalMs ?? 5_000,
      logger: this.logger,
      now: this.now,
      onFailure: () => this.metrics.healthReadFailures.inc(),
    });
    this.routes = fleetRoutes({ fleet: this.state, store: deps.store, now: this.now });
  }

  /** Resolves once presence and alerts are read, so the first snapshot is whole. */
  async start(): Promise<void> {
    const { registry } = this.deps;
    for (const record of registry.list()) this.state.registry(record.deviceId, record);
    registry.on('change', this.onRegistry);
    await this.feed.start({
      presence: (record) => this.state.presence(record),
      alert: (record) => {
        this.state.alert(record);
        this.emit('alert', record);
      },
      telemetry: (record) => {
        const sample = this.state.telemetry(record);
        if (sample !== undefined) this.emit('telemetry', sample);
      },
      invalid: (topic, reason) => {
        this.metrics.invalidRecords.inc({ topic });
        this.logger.debug({ topic, reason }, 'fleet record ignored');
      },
    });
    this.poller.start();
    this.flusher = setInterval(() => this.flushChanges(), this.deps.changesIntervalMs ?? 1_000);
    this.flusher.unref();
    this.logger.info({ devices: this.state.size, online: this.state.onlineCount }, 'fleet view loaded');
  }

  health(): HealthFragment {
    return { fleet: { devices: this.state.size, online: this.state.onlineCount } };
  }

  snapshot(): FleetSnapshotMessage {
    // Health read failed for a while (InfluxDB down): a console that connects asks again.
    if (this.poller.stale) void this.poller.refresh();
    return {
      type: 'fleetSnapshot',
      at: this.now(),
      devices: this.state.snapshot(),
      recentAlerts: this.state.recentAlerts(),
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.flusher);
    this.deps.registry.off('change', this.onRegistry);
    await this.poller.stop();
    await this.feed.stop();
  }

  private flushChanges(): void {
    const changes = this.state.takeChanges(this.now());
    if (changes !== undefined) this.emit('changes', changes);
  }
}
