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
import { backoffDelay, retry, sleep, type BackoffOptions, type RetryOptions } from '../retry.js';
import type { ConsumerHealth, ConsumerMonitor, ConsumerState } from './consumer-monitor.js';

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

export interface PartitionBounds {
  partition: number;
  /** Offset of the oldest record kept, and the offset the next record will get. */
  low: string;
  high: string;
}

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

const DEFAULT_RESTART_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };
const HANDLER_ERROR_LOG_EVERY_MS = 10_000;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const START_BACKOFF: Pick<RetryOptions, 'initialMs' | 'maxMs' | 'factor' | 'jitter' | 'maxAttempts'> = {
  initialMs: 200,
  maxMs: 3_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: 15,
};

/**
 * One Kafka consumer that stays up: an exception from a record's handler is caught and counted
 * instead of reaching kafkajs (which would fetch the same batch again, forever for a poison
 * record), and a consumer that crashes or fails to come back is rebuilt with backoff until `stop`.
 * kafkajs's own restart is turned off, so every crash is seen, counted and reported.
 */
export class SupervisedConsumer {
  private current: Consumer | undefined;
  private state: ConsumerState = 'stopped';
  private restarts = 0;
  private failures = 0;
  private lastError: string | undefined;
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** Next offset per partition, for consumers that resume where they were. */
  private readonly positions = new Map<string, TopicPartitionOffset>();
  private lastHandlerErrorLog = -Infinity;
  private handlerErrorsNotLogged = 0;

  constructor(private readonly o: SupervisedConsumerOptions) {}

  /** The kafkajs consumer running now; undefined while restarting. */
  get consumer(): Consumer | undefined {
    return this.current;
  }

  health(): ConsumerHealth {
    return {
      state: this.state,
      restarts: this.restarts,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  /**
   * Connects, subscribes, runs, and then seeks to `seeks`. Rejects when this first run fails (the
   * caller decides whether to retry); restarts after later crashes are this class's job.
   */
  async start(seeks: readonly TopicPartitionOffset[] = []): Promise<void> {
    for (const seek of seeks) this.positions.set(`${seek.topic}:${seek.partition}`, seek);
    this.setState('starting');
    // A broker that has just started answers "coordinator loading" and the like for a while.
    await retry(() => this.runOnce(), {
      ...START_BACKOFF,
      signal: this.abort.signal,
      isRetriable: (error) => (error as { retriable?: boolean }).retriable === true,
      onRetry: (error, attempt, delayMs) =>
        this.o.logger.warn(
          { consumer: this.o.name, err: messageOf(error), attempt, delayMs },
          'Kafka consumer did not start; retrying',
        ),
    });
    // A crash during the first group join has handed the consumer to restart(): started means running.
    if (this.state === 'restarting') await this.restarting;
    if (this.state === 'starting') this.setState('running');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort(new Error(`${this.o.name} consumer stopping`));
    await this.restarting;
    const consumer = this.current;
    this.current = undefined;
    this.setState('stopped');
    await consumer?.disconnect();
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
      for (const position of this.positions.values()) consumer.seek(position);
    } catch (error) {
      if (this.current === consumer) this.current = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private crashed(consumer: Consumer, error: Error): void {
    if (consumer !== this.current || this.stopping) return;
    this.current = undefined;
    this.lastError = messageOf(error);
    this.setState('restarting');
    this.o.logger.error(
      { consumer: this.o.name, err: this.lastError },
      'Kafka consumer crashed; restarting it',
    );
    this.restarting = this.restart(consumer);
  }

  private async restart(crashed: Consumer): Promise<void> {
    await crashed.disconnect().catch(() => undefined);
    const backoff = this.o.backoff ?? DEFAULT_RESTART_BACKOFF;
    while (!this.stopping) {
      const delayMs = backoffDelay(this.failures++, backoff);
      try {
        await sleep(delayMs, this.abort.signal);
        await this.keepPositionsInLog();
        await this.runOnce();
      } catch (error) {
        if (this.stopping) return;
        this.lastError = messageOf(error);
        this.report();
        this.o.logger.warn(
          { consumer: this.o.name, err: this.lastError, attempt: this.failures },
          'Kafka consumer did not restart; trying again',
        );
        continue;
      }
      if (this.stopping) return;
      this.restarts++;
      this.lastError = undefined;
      this.o.monitor.restarted(this.o.name);
      this.setState('running');
      this.o.logger.info({ consumer: this.o.name, restarts: this.restarts }, 'Kafka consumer restarted');
      return;
    }
  }

  /**
   * A remembered position outside its partition's log (the topic was deleted and created again
   * while the consumer was down, or retention passed it) would be reset by kafkajs to the log's end
   * for a reader that starts from now, skipping what was written meanwhile: it restarts at the
   * oldest record kept instead. Reading a record twice is harmless to every reader; missing one is not.
   */
  private async keepPositionsInLog(): Promise<void> {
    const bounds = this.o.partitionBounds;
    if (bounds === undefined || this.positions.size === 0) return;
    const topics = new Set([...this.positions.values()].map((p) => p.topic));
    for (const topic of topics) {
      for (const { partition, low, high } of await bounds(topic)) {
        const key = `${topic}:${partition}`;
        const at = this.positions.get(key);
        if (at === undefined) continue;
        const offset = BigInt(at.offset);
        if (offset >= BigInt(low) && offset <= BigInt(high)) continue;
        this.o.logger.warn(
          { consumer: this.o.name, topic, partition, offset: at.offset, low, high },
          'Kafka consumer position is outside the log; resuming at its oldest record',
        );
        this.positions.set(key, { topic, partition, offset: low });
      }
    }
  }

  private handlers(): Pick<ConsumerRunConfig, 'eachMessage' | 'eachBatch'> {
    const consume = this.o.consume;
    if ('eachBatch' in consume) {
      return {
        eachBatch: async (payload) => {
          await consume.eachBatch(payload);
          this.failures = 0;
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
    try {
      await handler(record);
      this.failures = 0;
    } catch (error) {
      this.o.monitor.skipped(record.topic, 'handler_error');
      this.logHandlerError(record, error);
    }
    const { topic, partition } = record;
    const offset = (BigInt(record.message.offset) + 1n).toString();
    this.positions.set(`${topic}:${partition}`, { topic, partition, offset });
  }

  // A stream of poison records must not become a stream of log lines.
  private logHandlerError(record: ConsumedRecord, error: unknown): void {
    const now = Date.now();
    if (now - this.lastHandlerErrorLog < HANDLER_ERROR_LOG_EVERY_MS) {
      this.handlerErrorsNotLogged++;
      return;
    }
    this.o.logger.error(
      {
        consumer: this.o.name,
        topic: record.topic,
        partition: record.partition,
        offset: record.message.offset,
        err: messageOf(error),
        notLoggedSince: this.handlerErrorsNotLogged,
      },
      'Kafka record handler failed; record skipped',
    );
    this.lastHandlerErrorLog = now;
    this.handlerErrorsNotLogged = 0;
  }

  private setState(state: ConsumerState): void {
    this.state = state;
    this.report();
  }

  private report(): void {
    this.o.monitor.changed(this.o.name, this.health());
  }
}
