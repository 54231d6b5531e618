import { randomUUID } from 'node:crypto';
import type { TopicKind } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { KafkaPort, RecordProducer } from '../../common/kafka/port.js';
import type { Feature, HealthFragment } from '../../common/process/feature.js';
import { DeviceRegistryView } from '../../common/registry/device-registry.js';
import { RegistryWriter } from '../../common/registry/registry-writer.js';
import { generateSecret, hashSecret } from '../../common/registry/secrets.js';
import type { Route } from '../http/route.js';
import type { HubMetrics } from '../metrics.js';
import { DeviceService } from './device-service.js';
import { deviceRoutes } from './routes.js';

const REGISTRY_CATCH_UP_MS = 10_000;

export interface DevicesDeps {
  kafka: KafkaPort;
  producer: RecordProducer;
  topics: Readonly<Record<TopicKind, string>>;
  topicPrefix: string;
  metrics: HubMetrics;
  logger: Logger;
}

/** The device registry this hub reads, and the API that provisions, lists and removes devices. */
export class DevicesFeature implements Feature<Route> {
  readonly name = 'devices';
  /** Loaded once started; the other features read devices here. */
  readonly registry: DeviceRegistryView;
  readonly routes: readonly Route[];
  private readonly metrics: HubMetrics;

  constructor(deps: DevicesDeps) {
    const { metrics, logger } = deps;
    this.metrics = metrics;
    // Offsets are never committed, so a group per process costs nothing and keeps every hub
    // reading the whole registry.
    this.registry = new DeviceRegistryView(
      deps.kafka,
      deps.topics.devices,
      `${deps.topicPrefix}.hub-registry.${randomUUID()}`,
      logger.child({ component: 'registry' }),
      metrics.kafkaConsumers,
    );
    const service = new DeviceService({
      feed: this.registry,
      store: new RegistryWriter(deps.producer, deps.topics.devices),
      secrets: { generate: generateSecret, hash: (secret) => hashSecret(secret) },
      now: Date.now,
      catchUpMs: REGISTRY_CATCH_UP_MS,
      logger: logger.child({ component: 'devices' }),
    });
    this.routes = deviceRoutes(service);
  }

  async start(): Promise<void> {
    const { registry, metrics } = this;
    await registry.start();
    registry.on('change', () => metrics.registryDevices.set(registry.size));
    metrics.registryDevices.set(registry.size);
  }

  health(): HealthFragment {
    const { isLoaded, size } = this.registry;
    return { healthy: isLoaded, registry: { loaded: isLoaded, devices: size } };
  }

  async stop(): Promise<void> {
    await this.registry.stop();
  }
}
