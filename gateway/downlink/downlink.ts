import type { Aedes, Client, Subscription } from 'aedes';
import {
  commandFilters,
  commandTopic,
  isCommandsFilterOf,
  parseDeviceTopic,
  type CommandRecord,
  type CommandStatus,
  type CommandStatusRecord,
  type kafkaTopicNames,
} from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { RecordBatcher } from '../../common/kafka/record-batcher.js';
import { encodeRecord } from '../../common/kafka/record-codec.js';
import type { CommandFeed } from '../../common/kafka/command-feed.js';
import { CommandStore } from './command-store.js';

export interface DownlinkOptions {
  gatewayId: string;
  topics: ReturnType<typeof kafkaTopicNames>;
  /** How far back the command history is read at start: the longest TTL a command may have. */
  historyMs: number;
  /** Open commands kept per device; more are ignored and counted. */
  maxOpenCommandsPerDevice?: number;
  onCommandDropped?: (command: CommandRecord) => void;
}

type BrokerClient = Client & { subscriptions: Record<string, { qos?: number } | undefined> };

/** The QoS the device gets command `name` at, or undefined when it does not subscribe to it. */
function commandQos(client: BrokerClient, name: string): number | undefined {
  const matching = commandFilters(client.id, name)
    .map((filter) => client.subscriptions[filter])
    .filter((sub) => sub !== undefined);
  return matching.length === 0 ? undefined : Math.max(...matching.map((sub) => sub.qos ?? 0));
}

/**
 * Commands from Kafka to the devices connected to this gateway. Every gateway reads every command;
 * it delivers those whose device is connected here, now or when it connects and subscribes later,
 * until the command finishes or expires. See docs/commands.md for why this routing is correct.
 */
export class Downlink {
  readonly store: CommandStore;
  // The command each published payload carries: aedes keeps the same buffer in a session's queue.
  private readonly payloadCommand = new WeakMap<object, string>();
  private readonly sentOn = new WeakMap<Client, Set<string>>();
  // MQTT-4.6.0-2: a client sends PUBACKs in the order it received the PUBLISHes, and commands are the
  // only QoS 1 messages a device receives, so each PUBACK acknowledges the oldest command still open.
  private readonly awaitingAck = new WeakMap<Client, { command: CommandRecord; delivered: boolean }[]>();
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly broker: Aedes,
    private readonly feed: CommandFeed,
    private readonly batcher: RecordBatcher,
    private readonly options: DownlinkOptions,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.store = new CommandStore(options.maxOpenCommandsPerDevice);
  }

  async start(): Promise<void> {
    await this.feed.start(this.now() - this.options.historyMs, {
      onCommand: (command) => {
        if (!this.store.addCommand(command)) {
          this.options.onCommandDropped?.(command);
          this.logger.warn(
            { deviceId: command.deviceId, commandId: command.id },
            'command ignored: its device has too many open commands',
          );
          return;
        }
        this.deliverTo(command.deviceId);
      },
      onStatus: (status) => this.store.applyStatus(status),
      onInvalid: (topic, reason) => this.logger.warn({ topic, reason }, 'command record ignored'),
    });
    this.broker.on('subscribe', (subscriptions: Subscription[], client: Client) => {
      if (subscriptions.some((s) => isCommandsFilterOf(client.id, s.topic))) this.deliverTo(client.id);
    });
    // A persistent session's subscriptions are restored at CONNECT without a SUBSCRIBE.
    this.broker.on('clientReady', (client: Client) => {
      if (!client.clean) this.deliverTo(client.id);
    });
    this.broker.on('ack', (packet, client) => {
      if (packet && packet.cmd !== 'publish') return;
      const entry = this.awaitingAck.get(client)?.shift();
      if (entry && !entry.delivered) this.writeStatus(entry.command.id, entry.command.deviceId, 'delivered');
    });
    this.pruneTimer = setInterval(() => {
      try {
        this.store.prune(this.now(), 60_000);
      } catch (error) {
        this.logger.error({ err: error }, 'command store prune failed');
      }
    }, 60_000);
    this.pruneTimer.unref();
    this.logger.info({ commands: this.store.size }, 'command history loaded');
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.feed.stop();
  }

  /**
   * Whether a command packet the broker is about to write still stands: a persistent session keeps
   * unacknowledged commands across a reconnect, by which time one may have expired or finished.
   * Only this downlink publishes to command topics, so a payload it did not publish is refused.
   */
  mayForward(topic: string, payload: Buffer | string): boolean {
    if (parseDeviceTopic(topic)?.kind !== 'command') return true;
    const id = typeof payload === 'string' ? undefined : this.payloadCommand.get(payload);
    return id !== undefined && this.store.isOpen(id, this.now());
  }

  /** Whether a device's result names a command this gateway knows for it. */
  knows(deviceId: string, commandId: string): boolean {
    return this.store.knows(deviceId, commandId);
  }

  /**
   * Records a result the device sent, so the command is not delivered again. Devices often answer
   * before they PUBACK the command; its `delivered` is then written first, keeping the order.
   */
  finished(status: CommandStatusRecord): void {
    const client = this.clients()[status.deviceId];
    const entry = client ? this.awaitingAck.get(client)?.find((e) => e.command.id === status.id) : undefined;
    if (entry && !entry.delivered) {
      entry.delivered = true;
      this.writeStatus(status.id, status.deviceId, 'delivered');
    }
    this.store.applyStatus(status);
  }

  private clients(): Record<string, BrokerClient | undefined> {
    return (this.broker as unknown as { clients: Record<string, BrokerClient | undefined> }).clients;
  }

  private deliverTo(deviceId: string): void {
    const client = (this.broker as unknown as { clients: Record<string, BrokerClient | undefined> }).clients[
      deviceId
    ];
    if (!client?.connected) return;
    for (const command of this.store.pendingFor(deviceId, this.now())) this.deliver(client, command);
  }

  private deliver(client: BrokerClient, command: CommandRecord): void {
    const qos = commandQos(client, command.name);
    if (qos === undefined) return;
    let sent = this.sentOn.get(client);
    if (!sent) this.sentOn.set(client, (sent = new Set()));
    if (sent.has(command.id)) return;
    sent.add(command.id);
    const payload = Buffer.from(
      JSON.stringify({ id: command.id, params: command.params, expiresAt: command.expiresAt }),
    );
    this.payloadCommand.set(payload, command.id);
    if (qos > 0) {
      let queue = this.awaitingAck.get(client);
      if (!queue) this.awaitingAck.set(client, (queue = []));
      queue.push({ command, delivered: false });
    }
    this.broker.publish(
      {
        cmd: 'publish',
        topic: commandTopic(command.deviceId, command.name),
        payload,
        qos: 1,
        retain: false,
        dup: false,
      },
      (error) => {
        if (error) this.logger.warn({ err: error.message, commandId: command.id }, 'command publish failed');
      },
    );
    this.writeStatus(command.id, command.deviceId, 'sent');
  }

  private writeStatus(id: string, deviceId: string, status: CommandStatus): void {
    const value: CommandStatusRecord = {
      id,
      deviceId,
      status,
      at: this.now(),
      gatewayId: this.options.gatewayId,
    };
    this.batcher
      .enqueue(encodeRecord('commandStatus', value, this.options))
      .catch((error: unknown) => this.logger.error({ err: error, id, status }, 'command status not written'));
  }
}
