import { randomBytes } from 'node:crypto';
import type { KafkaFeature } from '../common/kafka/kafka-feature.js';
import type { Feature, HealthFragment } from '../common/process/feature.js';
import { DeviceRegistryView } from '../common/registry/device-registry.js';
import type { GatewayContext } from './context.js';

/** The device registry, loaded before any device may connect and followed after. */
export class RegistrySync implements Feature {
  readonly name = 'registry';
  private loaded: DeviceRegistryView | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly kafka: KafkaFeature,
  ) {}

  get view(): DeviceRegistryView {
    if (this.loaded === undefined) throw new Error('the registry is not started');
    return this.loaded;
  }

  async start(): Promise<void> {
    const { config, gatewayId, log, metrics } = this.ctx;
    const { port, topics } = this.kafka.connection;
    this.loaded = new DeviceRegistryView(
      port,
      topics.devices,
      `${config.kafka.topicPrefix}.gateway-registry.${gatewayId}.${randomBytes(4).toString('hex')}`,
      log.child({ component: 'registry' }),
      metrics.kafkaConsumers,
    );
    await this.loaded.start();
    const legacy = this.loaded.list().filter((r) => r.secretHash.startsWith('scrypt$')).length;
    if (legacy > 0) {
      log.warn(
        { devices: legacy },
        'devices with legacy scrypt secret hashes: their logins cost scrypt and a flood of wrong ' +
          'secrets can delay them; rotate their secrets (npm run devices -- rotate ID)',
      );
    }
  }

  health(): HealthFragment {
    return this.loaded ? { registry: { loaded: this.loaded.isLoaded, devices: this.loaded.size } } : {};
  }

  async stop(): Promise<void> {
    await this.loaded?.stop().catch(() => undefined);
  }
}
