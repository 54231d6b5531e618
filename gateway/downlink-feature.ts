import { randomBytes } from 'node:crypto';
import type { CommandStatusRecord } from '../contracts/index.js';
import { CommandFeed } from '../common/kafka/command-feed.js';
import type { KafkaFeature } from '../common/kafka/kafka-feature.js';
import type { Feature } from '../common/process/feature.js';
import type { GatewayContext } from './context.js';
import { Downlink } from './downlink/downlink.js';
import type { UplinkFeature } from './uplink/uplink-feature.js';

/** Commands from Kafka to the devices connected here, and their statuses back. */
export class DownlinkFeature implements Feature {
  readonly name = 'downlink';
  private downlink: Downlink | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly kafka: KafkaFeature,
    private readonly uplink: UplinkFeature,
  ) {}

  /** What the broker asks of commands when a device sends a result; nothing is known before start. */
  readonly commands = {
    knows: (deviceId: string, commandId: string): boolean =>
      this.downlink?.knows(deviceId, commandId) ?? false,
    finished: (status: CommandStatusRecord): void => this.downlink?.finished(status),
    mayForward: (topic: string, payload: Buffer | string): boolean =>
      this.downlink?.mayForward(topic, payload) ?? false,
  };

  async start(): Promise<void> {
    const { config, gatewayId, log, metrics } = this.ctx;
    const { port, topics } = this.kafka.connection;
    const feed = new CommandFeed(
      port,
      topics,
      `${config.kafka.topicPrefix}.gateway-commands.${gatewayId}.${randomBytes(4).toString('hex')}`,
      log.child({ component: 'command-feed' }),
      metrics.kafkaConsumers,
    );
    this.downlink = new Downlink(
      this.uplink.broker,
      feed,
      this.uplink.batcher,
      {
        gatewayId,
        topics,
        historyMs: config.commands.maxTtlMs,
        maxOpenCommandsPerDevice: config.gateway.maxOpenCommandsPerDevice,
        onCommandDropped: () => metrics.rejections.inc({ reason: 'too_many_open_commands' }),
      },
      log.child({ component: 'downlink' }),
    );
    await this.downlink.start();
  }

  async stop(): Promise<void> {
    await this.downlink?.stop().catch(() => undefined);
  }
}
