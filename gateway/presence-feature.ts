import { randomBytes } from 'node:crypto';
import type { KafkaFeature } from '../common/kafka/kafka-feature.js';
import type { Feature } from '../common/process/feature.js';
import type { GatewayContext } from './context.js';
import { PresenceTracker } from './presence.js';
import { PresenceFollower } from './presence-follower.js';
import type { UplinkFeature } from './uplink/uplink-feature.js';

/** Where devices are: this gateway's connections written to `iot.presence`, others' read from it. */
export class PresenceFeature implements Feature {
  readonly name = 'presence';
  private follower: PresenceFollower | undefined;
  private running: PresenceTracker | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly kafka: KafkaFeature,
    private readonly uplink: UplinkFeature,
  ) {}

  get tracker(): PresenceTracker | undefined {
    return this.running;
  }

  async start(): Promise<void> {
    const { config, gatewayId, log, metrics } = this.ctx;
    const { port, topics } = this.kafka.connection;
    this.follower = new PresenceFollower(
      port,
      topics.presence,
      `${config.kafka.topicPrefix}.gateway-presence.${gatewayId}.${randomBytes(4).toString('hex')}`,
      gatewayId,
      metrics.kafkaConsumers,
      log.child({ component: 'presence-follower' }),
    );
    await this.follower.start();
    const { broker, batcher } = this.uplink;
    this.running = new PresenceTracker(
      broker,
      batcher,
      { gatewayId, topics },
      metrics,
      log,
      Date.now,
      this.follower,
    );
    this.running.start();
  }

  async stop(): Promise<void> {
    await this.running?.settled();
    await this.follower?.stop().catch(() => undefined);
  }
}
