import type { Feature, HealthFragment } from '../process/feature.js';
import { bootstrapKafka, type KafkaBootstrapOptions, type KafkaConnection } from './bootstrap.js';
import type { KafkaPort, RecordProducer } from './port.js';

export interface KafkaFeatureHooks {
  /** The process's Kafka part of /healthz, once connected. */
  health?: (connection: KafkaConnection) => HealthFragment;
  onConnection?: (connected: boolean) => void;
}

/**
 * A process's link to Kafka as a feature: it starts first, so that every other feature finds the
 * topics, the limits and a connected producer, and stops last, after they flushed what they wrote.
 */
export class KafkaFeature implements Feature {
  readonly name = 'kafka';
  /** The port, usable by features built before this one started, once it has. */
  readonly port: KafkaPort = {
    follow: (options) => this.connection.port.follow(options),
    groupReader: (options) => this.connection.port.groupReader(options),
    deleteGroup: (group) => this.connection.port.deleteGroup(group),
  };
  /** The producer, in the same way. */
  readonly producer: RecordProducer = { send: (records) => this.connection.producer.send(records) };
  private connected: KafkaConnection | undefined;

  constructor(
    private readonly options: KafkaBootstrapOptions,
    private readonly hooks: KafkaFeatureHooks = {},
  ) {}

  /** The connection, once started. */
  get connection(): KafkaConnection {
    if (this.connected === undefined) throw new Error('Kafka is not connected yet');
    return this.connected;
  }

  async start(): Promise<void> {
    const connection = await bootstrapKafka(this.options);
    this.connected = connection;
    const { onConnection } = this.hooks;
    if (onConnection) {
      onConnection(connection.producer.connected);
      connection.producer.onConnection(onConnection);
    }
  }

  health(): HealthFragment {
    return this.connected && this.hooks.health ? this.hooks.health(this.connected) : {};
  }

  async stop(): Promise<void> {
    await this.connected?.close();
  }
}
