import {
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  type ConsumeOptions,
  type ConsumerOptions,
  type MessagesStream,
} from '@platformatic/kafka';
import type { Logger } from '../logger.js';
import type { BackoffOptions } from '../retry.js';
import type { KafkaClientOptions } from './client.js';
import { ConsumerLifecycle } from './consumer-lifecycle.js';
import type { ConsumerHealth, ConsumerMonitor } from './consumer-monitor.js';
import { isRetriable } from './errors.js';
import { clientBaseOptions } from './platformatic-client.js';
import {
  keepBytes,
  partitionBatches,
  recordMessage,
  type ClientMessage,
  type PartitionBatch,
} from './platformatic-records.js';
import type { ConsumedRecord, RecordMessage } from './port.js';
import {
  HandlerGuard,
  ReadPositions,
  type PartitionBounds,
  type PartitionPosition,
} from './read-positions.js';

type MaybeBytes = Buffer | undefined;
export type RecordConsumer = Consumer<MaybeBytes, MaybeBytes, MaybeBytes, MaybeBytes>;
type RecordStream = MessagesStream<MaybeBytes, MaybeBytes, MaybeBytes, MaybeBytes>;
export type RecordConsumerOptions = ConsumerOptions<MaybeBytes, MaybeBytes, MaybeBytes, MaybeBytes>;

/** Records of one partition as one fetch delivered them, with the consumer that fetched them. */
export interface FetchedBatch {
  topic: string;
  partition: number;
  messages: RecordMessage[];
  fetchedBy: RecordConsumer;
  /** False once the consumer stopped, paused or crashed. */
  isRunning(): boolean;
}

export type PlatformaticConsumeWith =
  /** Record by record; a throw is caught, counted as `handler_error`, and the record passed over. */
  | { eachRecord: (record: ConsumedRecord) => void | Promise<void> }
  /** One partition's batch at a time; a throw crashes the consumer, which is rebuilt. */
  | { eachBatch: (batch: FetchedBatch) => Promise<void> };

export interface PlatformaticConsumerOptions {
  /** Names the consumer in logs, metrics and health, such as "registry". */
  name: string;
  client: KafkaClientOptions;
  groupId: string;
  topics: readonly string[];
  /**
   * `positions`: a private reader that never commits, read from the positions given to `start`
   * and, after a rebuild, from after the last record handled. `committed`: a member of a shared
   * group, read from the group's committed offsets (the oldest record where there is none).
   */
  readFrom: 'positions' | 'committed';
  maxWaitMs: number;
  minBytes?: number;
  /** The group session; kafkajs's default (30 s) when absent. Heartbeats go every tenth of it. */
  sessionTimeoutMs?: number;
  consume: PlatformaticConsumeWith;
  /** Builds the client's consumer; `new Consumer(options)` unless a test gives a fake. */
  create?: (options: RecordConsumerOptions) => RecordConsumer;
  /** Called with every new consumer before it joins its group, to listen to its events. */
  prepare?: (consumer: RecordConsumer) => void;
  /** Delays between restart attempts; the count resets once a record is handled again. */
  backoff?: BackoffOptions;
  /** Where each partition of a topic starts and ends now; asked before a restart resumes reading. */
  partitionBounds?: (topic: string) => Promise<readonly PartitionBounds[]>;
  monitor: ConsumerMonitor;
  logger: Logger;
}

// kafkajs's defaults, which the kafkajs path runs with.
const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
const MIN_REBALANCE_TIMEOUT_MS = 60_000;
const MAX_BYTES_PER_PARTITION = 1_048_576;
// A JoinGroup request is answered only once every member has joined again, up to the rebalance
// timeout; a request timeout shorter than that would fail a join that is only waiting. kafkajs
// gives that request alone the rebalance timeout plus 5 s; this client has one timeout for all.
const JOIN_ANSWER_MARGIN_MS = 5_000;

/** Hands over what the stream has read, and wakes whoever waits for more. */
class StreamReader {
  private waiting: (() => void) | undefined;

  constructor(private readonly stream: RecordStream) {
    const wake = (): void => this.wake();
    stream.on('readable', wake);
    stream.on('close', wake);
  }

  /** Everything the stream holds now; reading it lets the stream fetch again (its own backpressure). */
  drain(): ClientMessage[] {
    const messages: ClientMessage[] = [];
    for (;;) {
      const message = this.stream.read() as ClientMessage | null;
      if (message === null) return messages;
      messages.push(message);
    }
  }

  /** Resolves once records may be there, the stream closed, or `wake` was called. */
  next(): Promise<void> {
    if (this.stream.destroyed) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = resolve));
  }

  wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}

/** Closes `consumer`, leaving its group; its `close(true)` overloads type the promise away. */
function closeConsumer(consumer: RecordConsumer): Promise<void> {
  return new Promise((resolve, reject) =>
    consumer.close(true, (error) => (error === null ? resolve() : reject(error))),
  );
}

interface Running {
  consumer: RecordConsumer;
  stream: RecordStream;
  reader: StreamReader;
  pumping: Promise<void>;
}

/**
 * One @platformatic/kafka consumer that stays up, as `SupervisedConsumer` keeps a kafkajs one up:
 * its stream failing (a fetch that failed for good, such as for a deleted topic) or its group
 * membership failing is a crash, after which a new consumer is built with backoff until `stop`.
 * Records are handed over one partition batch at a time, never two at once.
 */
export class PlatformaticConsumer {
  private current: Running | undefined;
  private paused = false;
  private readonly lifecycle: ConsumerLifecycle;
  private readonly positions = new ReadPositions();
  private readonly guard: HandlerGuard;

  constructor(private readonly o: PlatformaticConsumerOptions) {
    this.guard = new HandlerGuard(o.name, o.monitor, o.logger);
    this.lifecycle = new ConsumerLifecycle(o, {
      runOnce: () => this.runOnce(),
      beforeRestart: () => this.keepPositionsInLog(),
      isRetriable,
    });
  }

  /** The client's consumer running now; undefined while restarting. */
  get consumer(): RecordConsumer | undefined {
    return this.current?.consumer;
  }

  health(): ConsumerHealth {
    return this.lifecycle.health();
  }

  /** Joins the group and reads (from `positions` for a private reader); resolves once it runs. */
  async start(positions: readonly PartitionPosition[] = []): Promise<void> {
    for (const position of positions) this.positions.set(position);
    await this.lifecycle.start();
  }

  /** Stops fetching and handing over batches, also for a consumer rebuilt later. */
  pause(): void {
    this.paused = true;
    this.current?.stream.pause();
    this.current?.reader.wake();
  }

  /** Lets the record or batch in progress finish, then leaves the group. */
  stop(): Promise<void> {
    return this.lifecycle.stop(async () => {
      const running = this.current;
      this.current = undefined;
      if (running) await this.close(running);
    });
  }

  private consumerOptions(): RecordConsumerOptions {
    const sessionTimeout = this.o.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    const rebalanceTimeout = Math.max(MIN_REBALANCE_TIMEOUT_MS, sessionTimeout);
    return {
      ...clientBaseOptions(this.o.client),
      requestTimeout: Math.max(this.o.client.requestTimeoutMs, rebalanceTimeout + JOIN_ANSWER_MARGIN_MS),
      groupId: this.o.groupId,
      sessionTimeout,
      heartbeatInterval: Math.floor(sessionTimeout / 10),
      rebalanceTimeout,
      autocommit: false,
      maxWaitTime: this.o.maxWaitMs,
      ...(this.o.minBytes === undefined ? {} : { minBytes: this.o.minBytes }),
      maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
      deserializers: { key: keepBytes, value: keepBytes, headerKey: keepBytes, headerValue: keepBytes },
    };
  }

  private streamOptions(): ConsumeOptions<MaybeBytes, MaybeBytes, MaybeBytes, MaybeBytes> {
    const topics = [...this.o.topics];
    // Nothing is ever committed automatically: private readers never commit, groups through `commit`.
    if (this.o.readFrom === 'committed')
      return {
        topics,
        autocommit: false,
        mode: MessagesStreamModes.COMMITTED,
        fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      };
    return {
      topics,
      autocommit: false,
      mode: MessagesStreamModes.MANUAL,
      // For a partition with no position (one added since the start): all of it.
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      offsets: this.positions.all().map((p) => ({ ...p, offset: BigInt(p.offset) })),
    };
  }

  private async runOnce(): Promise<void> {
    const options = this.consumerOptions();
    const consumer = this.o.create?.(options) ?? new Consumer(options);
    // A rejoin that failed for good (consumer.js, after a heartbeat found the group rebalancing)
    // leaves the consumer outside its group; without a listener the event would end the process.
    consumer.on('error', (error: Error) => {
      const running = this.current;
      if (running?.consumer === consumer) this.crashed(running, error);
    });
    this.o.prepare?.(consumer);
    let stream: RecordStream;
    try {
      stream = await consumer.consume(this.streamOptions());
    } catch (error) {
      await closeConsumer(consumer).catch(() => undefined);
      throw error;
    }
    if (this.lifecycle.stopped) {
      await closeConsumer(consumer).catch(() => undefined);
      return;
    }
    const running: Running = {
      consumer,
      stream,
      reader: new StreamReader(stream),
      pumping: Promise.resolve(),
    };
    this.current = running;
    if (this.paused) stream.pause();
    stream.on('error', (error) => this.crashed(running, error));
    stream.on('close', () => this.crashed(running, new Error('the Kafka consumer stream closed')));
    running.pumping = this.pump(running);
  }

  private crashed(running: Running, error: unknown): void {
    if (running !== this.current || this.lifecycle.stopped) return;
    this.current = undefined;
    this.lifecycle.crashed(error, () => this.close(running));
  }

  private async close(running: Running): Promise<void> {
    running.reader.wake();
    await running.pumping;
    await closeConsumer(running.consumer);
  }

  private async keepPositionsInLog(): Promise<void> {
    const bounds = this.o.partitionBounds;
    if (bounds === undefined || this.positions.size === 0) return;
    await this.positions.keepInLog(bounds, this.o.name, this.o.logger);
  }

  private live(running: Running): boolean {
    return this.current === running && !this.paused && !this.lifecycle.stopped;
  }

  private async pump(running: Running): Promise<void> {
    while (this.live(running)) {
      const messages = running.reader.drain();
      if (messages.length === 0) {
        await running.reader.next();
        continue;
      }
      for (const batch of partitionBatches(messages)) {
        if (!this.live(running)) return;
        try {
          await this.deliver(batch, running);
        } catch (error) {
          this.crashed(running, error);
          return;
        }
      }
    }
  }

  private async deliver(batch: PartitionBatch, running: Running): Promise<void> {
    const { topic, partition } = batch;
    const consume = this.o.consume;
    if ('eachBatch' in consume) {
      const messages = batch.messages.map(recordMessage);
      await consume.eachBatch({
        topic,
        partition,
        messages,
        fetchedBy: running.consumer,
        isRunning: () => this.live(running),
      });
      const last = messages[messages.length - 1];
      if (last !== undefined && this.o.readFrom === 'positions')
        this.positions.passed(topic, partition, last.offset);
      this.lifecycle.handled();
      return;
    }
    for (const message of batch.messages) {
      if (!this.live(running)) return;
      const record: ConsumedRecord = { topic, partition, message: recordMessage(message) };
      const { offset } = record.message;
      if (await this.guard.run(() => consume.eachRecord(record), { topic, partition, offset }))
        this.lifecycle.handled();
      this.positions.passed(topic, partition, offset);
    }
  }
}
