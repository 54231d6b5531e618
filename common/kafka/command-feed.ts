import type { CommandRecord, CommandStatusRecord } from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import { UNMONITORED, type ConsumerMonitor } from './consumer-monitor.js';
import type { ConsumedRecord, Following, KafkaPort } from './port.js';
import { decodeRecord } from './record-codec.js';

const FEED_IDLE_SETTLE_MS = 10_000;

export interface CommandFeedHandlers {
  onCommand(command: CommandRecord): void;
  onStatus(status: CommandStatusRecord): void;
  onInvalid(topic: string, reason: string, value: Buffer | null): void;
}

/**
 * Every command and command status from `since` onwards, for this process alone (its own consumer
 * group, nothing committed): each gateway needs all of them to deliver to whichever devices it holds.
 */
export class CommandFeed {
  private following: Following | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topics: { commands: string; commandStatus: string },
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly monitor: ConsumerMonitor = UNMONITORED,
  ) {}

  /** Resolves once everything that existed at start (from `since`) has been handed to `handlers`. */
  async start(since: number, handlers: CommandFeedHandlers): Promise<void> {
    this.following = await this.kafka.follow({
      name: 'commands',
      group: this.groupId,
      topics: [this.topics.commands, this.topics.commandStatus],
      from: { timestamp: since },
      handler: { eachRecord: (record) => this.handle(record, handlers) },
      maxWaitMs: 100,
      settleWhenIdle: {
        ms: FEED_IDLE_SETTLE_MS,
        onSettle: (pending) =>
          this.logger.warn(
            { partitions: pending },
            'command history end offsets never read; treating as loaded',
          ),
      },
      monitor: this.monitor,
      logger: this.logger,
    });
    await this.following.caughtUp;
  }

  async stop(): Promise<void> {
    await this.following?.stop();
  }

  private handle({ topic, message }: ConsumedRecord, handlers: CommandFeedHandlers): void {
    if (topic === this.topics.commands) {
      // Bounded decoding: anyone who can write to the topic could send params nested 20,000 deep.
      const decoded = decodeRecord('commands', message);
      if (decoded.ok) return handlers.onCommand(decoded.value);
      this.monitor.skipped(topic, decoded.code);
      return handlers.onInvalid(topic, decoded.reason, message.value);
    }
    const decoded = decodeRecord('commandStatus', message);
    if (decoded.ok) return handlers.onStatus(decoded.value);
    this.monitor.skipped(topic, decoded.code);
    // Status records are written by this project's own processes; a bad one is logged, not re-published.
    if (decoded.code === 'invalid_json' || decoded.code === 'schema_mismatch')
      handlers.onInvalid(topic, decoded.reason, message.value);
    else this.logger.warn({ topic }, 'unreadable command status ignored');
  }
}
