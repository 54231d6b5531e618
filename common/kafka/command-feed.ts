import type { Kafka } from 'kafkajs';
import {
  checkSchemaCompatible,
  commandRecordSchema,
  commandStatusRecordSchema,
  decodeJson,
  HEADER_NAMES,
  SCHEMAS,
  type CommandRecord,
  type CommandStatusRecord,
} from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import { CatchUp, type PartitionEnd } from './catch-up.js';
import { UNMONITORED, type ConsumerMonitor, type SkipReason } from './consumer-monitor.js';
import { retryKafkaStartup } from './startup-retry.js';
import { SupervisedConsumer } from './supervised-consumer.js';

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
  private consumer: SupervisedConsumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: { commands: string; commandStatus: string },
    private readonly groupId: string,
    private readonly logger: Logger,
    private readonly monitor: ConsumerMonitor = UNMONITORED,
  ) {}

  /** Resolves once everything that existed at start (from `since`) has been handed to `handlers`. */
  async start(since: number, handlers: CommandFeedHandlers): Promise<void> {
    const topicNames = [this.topics.commands, this.topics.commandStatus];
    const { starts, ends } = await retryKafkaStartup(
      'reading command offsets',
      () => this.offsetsSince(since),
      this.logger,
    );

    const catchUp = new CatchUp(ends);

    this.consumer = new SupervisedConsumer({
      name: 'commands',
      create: (config) => this.kafka.consumer(config),
      config: { groupId: this.groupId, maxWaitTimeInMs: 100 },
      subscription: { topics: topicNames, fromBeginning: false },
      run: { autoCommit: false },
      consume: {
        eachRecord: ({ topic, partition, message }) => {
          try {
            this.handle(topic, message.value, message.headers?.[HEADER_NAMES.schema], handlers);
          } finally {
            catchUp.read(topic, partition, message.offset);
          }
        },
      },
      monitor: this.monitor,
      logger: this.logger,
    });
    // admin.setOffsets on a fresh group waits seconds for its coordinator; seeking does not. A record
    // read before the seek takes effect is read again after it, which the handlers tolerate.
    await this.consumer.start(starts);
    catchUp.settleWhenIdle(FEED_IDLE_SETTLE_MS, (pending) =>
      this.logger.warn({ partitions: pending }, 'command history end offsets never read; treating as loaded'),
    );
    await catchUp.done;
  }

  /** Where reading from `since` starts in every partition, and where each partition ends. */
  private async offsetsSince(since: number): Promise<{
    starts: { topic: string; partition: number; offset: string }[];
    ends: PartitionEnd[];
  }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const starts: { topic: string; partition: number; offset: string }[] = [];
      const ends: PartitionEnd[] = [];
      for (const topic of [this.topics.commands, this.topics.commandStatus]) {
        const highs = await admin.fetchTopicOffsets(topic);
        const fromSince = await admin.fetchTopicOffsetsByTimestamp(topic, since);
        for (const end of highs) {
          const found = fromSince.find((s) => s.partition === end.partition)?.offset;
          // -1: no record at or after `since` in this partition.
          const offset = found === undefined || Number(found) < 0 ? end.high : found;
          starts.push({ topic, partition: end.partition, offset });
          ends.push({ topic, partition: end.partition, end: Number(end.high), start: Number(offset) });
        }
      }
      return { starts, ends };
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  private refuse(
    topic: string,
    code: SkipReason,
    reason: string,
    value: Buffer | null,
    handlers: CommandFeedHandlers,
  ): void {
    this.monitor.skipped(topic, code);
    handlers.onInvalid(topic, reason, value);
  }

  private handle(
    topic: string,
    value: Buffer | null,
    schemaHeader: Buffer | string | (Buffer | string)[] | undefined,
    handlers: CommandFeedHandlers,
  ): void {
    const isCommand = topic === this.topics.commands;
    const compatible = checkSchemaCompatible(
      schemaHeader,
      isCommand ? SCHEMAS.commands : SCHEMAS.commandStatus,
    );
    if (!compatible.ok) return this.refuse(topic, 'schema_mismatch', compatible.reason, value, handlers);
    // Bounded decoding: anyone who can write to the topic could send params nested 20,000 deep.
    const bytes = value ?? 'null';
    if (isCommand) {
      const decoded = decodeJson(commandRecordSchema, bytes);
      if (decoded.ok) handlers.onCommand(decoded.value);
      else this.refuse(topic, decoded.code, decoded.reason, value, handlers);
    } else {
      const decoded = decodeJson(commandStatusRecordSchema, bytes);
      // Status records are written by this project's own processes; a bad one is logged, not re-published.
      if (decoded.ok) handlers.onStatus(decoded.value);
      else if (decoded.code === 'invalid_json')
        this.refuse(topic, decoded.code, decoded.reason, value, handlers);
      else {
        this.monitor.skipped(topic, decoded.code);
        this.logger.warn({ topic }, 'unreadable command status ignored');
      }
    }
  }
}
