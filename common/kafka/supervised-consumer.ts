import type {
  Consumer,
  ConsumerConfig,
  ConsumerRunConfig,
  ConsumerSubscribeTopics,
  EachBatchPayload,
  KafkaMessage,
  TopicPartitionOffset,
} from 'kafkajs';
import type { Logger } from '../logger.js';
import type { BackoffOptions } from '../retry.js';
import { ConsumerLifecycle } from './consumer-lifecycle.js';
import type { ConsumerHealth, ConsumerMonitor } from './consumer-monitor.js';
import { HandlerGuard, ReadPositions, type PartitionBounds } from './read-positions.js';

export type { PartitionBounds } from './read-positions.js';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** Handles one record. A throw is caught, counted as `handler_error`, and the record is passed over. */
export type RecordHandler = (record: ConsumedRecord) => void | Promise<void>;

export type ConsumeWith =
  /**
   * Record by record, for consumers that never commit: after a restart reading resumes after the
   * last record handled. `batched` takes a whole fetch per call, for busy topics.
   */
  | { eachRecord: RecordHandler; batched?: boolean }
  /**
   * Whole batches, for a consumer group that commits: the caller owns errors and offsets, and after
   * a restart reading resumes from the committed offsets.
   */
  | { eachBatch: (payload: EachBatchPayload) => Promise<void> };

export interface SupervisedConsumerOptions {
  /** Names the consumer in logs, metrics and health, such as "registry". */
  name: string;
  /** Builds a fresh kafkajs consumer, as `(config) => kafka.consumer(config)`. */
  create: (config: ConsumerConfig) => Consumer;
  config: ConsumerConfig;
  subscription: ConsumerSubscribeTopics;
  consume: ConsumeWith;
  run?: Pick<ConsumerRunConfig, 'autoCommit' | 'eachBatchAutoResolve' | 'partitionsConsumedConcurrently'>;
  /** Called with every new consumer before it connects, to listen to its events. */
  prepare?: (consumer: Consumer) => void;
  /** Delays between restart attempts; the count resets once a record is handled again. */
  backoff?: BackoffOptions;
  /** Where each partition of a topic starts and ends now; asked before a restart resumes reading. */
  partitionBounds?: (topic: string) => Promise<readonly PartitionBounds[]>;
  monitor: ConsumerMonitor;
  logger: Logger;
}

/**
 * One Kafka consumer that stays up: an exception from a record's handler is caught and counted
 * instead of reaching kafkajs (which would fetch the same batch again, forever for a poison
 * record), and a consumer that crashes or fails to come back is rebuilt with backoff until `stop`.
 * kafkajs's own restart is turned off, so every crash is seen, counted and reported.
 */
export class SupervisedConsumer {
  private current: Consumer | undefined;
  private readonly lifecycle: ConsumerLifecycle;
  /** Next offset per partition, for consumers that resume where they were. */
  private readonly positions = new ReadPositions();
  private readonly guard: HandlerGuard;

  constructor(private readonly o: SupervisedConsumerOptions) {
    this.guard = new HandlerGuard(o.name, o.monitor, o.logger);
    this.lifecycle = new ConsumerLifecycle(o, {
      runOnce: () => this.runOnce(),
      beforeRestart: () => this.keepPositionsInLog(),
      isRetriable: (error) => (error as { retriable?: boolean }).retriable === true,
    });
  }

  /** The kafkajs consumer running now; undefined while restarting. */
  get consumer(): Consumer | undefined {
    return this.current;
  }

  health(): ConsumerHealth {
    return this.lifecycle.health();
  }

  /**
   * Connects, subscribes, runs, and then seeks to `seeks`. Rejects when this first run fails (the
   * caller decides whether to retry); restarts after later crashes are this class's job.
   */
  async start(seeks: readonly TopicPartitionOffset[] = []): Promise<void> {
    for (const seek of seeks) this.positions.set(seek);
    await this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop(async () => {
      const consumer = this.current;
      this.current = undefined;
      await consumer?.disconnect();
    });
  }

  private async runOnce(): Promise<void> {
    const consumer = this.o.create({
      ...this.o.config,
      retry: { ...this.o.config.retry, restartOnFailure: () => Promise.resolve(false) },
    });
    this.current = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => this.crashed(consumer, payload.error));
    this.o.prepare?.(consumer);
    try {
      await consumer.connect();
      await consumer.subscribe(this.o.subscription);
      await consumer.run({ ...this.o.run, ...this.handlers() });
      // Crashed while joining its group: restart() runs a new consumer, which seeks in turn.
      if (this.current !== consumer) return;
      for (const position of this.positions.all()) consumer.seek(position);
    } catch (error) {
      if (this.current === consumer) this.current = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private crashed(consumer: Consumer, error: Error): void {
    if (consumer !== this.current || this.lifecycle.stopped) return;
    this.current = undefined;
    this.lifecycle.crashed(error, () => consumer.disconnect());
  }

  private async keepPositionsInLog(): Promise<void> {
    const bounds = this.o.partitionBounds;
    if (bounds === undefined || this.positions.size === 0) return;
    await this.positions.keepInLog(bounds, this.o.name, this.o.logger);
  }

  private handlers(): Pick<ConsumerRunConfig, 'eachMessage' | 'eachBatch'> {
    const consume = this.o.consume;
    if ('eachBatch' in consume) {
      return {
        eachBatch: async (payload) => {
          await consume.eachBatch(payload);
          this.lifecycle.handled();
        },
      };
    }
    const { eachRecord } = consume;
    if (consume.batched === true) {
      return {
        eachBatch: async (payload) => {
          const { batch } = payload;
          for (const message of batch.messages) {
            if (!payload.isRunning() || payload.isStale()) return;
            await this.handle(eachRecord, { topic: batch.topic, partition: batch.partition, message });
          }
        },
      };
    }
    return { eachMessage: (payload) => this.handle(eachRecord, payload) };
  }

  private async handle(handler: RecordHandler, record: ConsumedRecord): Promise<void> {
    const { topic, partition, message } = record;
    if (await this.guard.run(() => handler(record), { topic, partition, offset: message.offset }))
      this.lifecycle.handled();
    this.positions.passed(topic, partition, message.offset);
  }
}
