import type { HeaderValue } from '../../contracts/index.js';
import type { Logger } from '../logger.js';
import type { ConsumerMonitor } from './consumer-monitor.js';

/**
 * What features see of Kafka. Nothing here names a client library: `kafkajs-port.ts` and
 * `bootstrap.ts` adapt kafkajs to it, and another client could be put behind it instead.
 */

/** What one record carries. */
export interface RecordContent {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Readonly<Record<string, HeaderValue>>;
}

/** One record as a reader receives it. */
export interface RecordMessage extends RecordContent {
  offset: string;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: RecordMessage;
}

/** Records of one partition, handed over together. */
export interface RecordBatch {
  topic: string;
  partition: number;
  messages: readonly RecordMessage[];
  /** Keeps the consumer's session alive during long work on the batch. */
  heartbeat(): Promise<void>;
}

/** One record to write; a null value is a tombstone on a compacted topic. */
export interface OutboundRecord {
  topic: string;
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Writes records with acks=all; resolves once Kafka acknowledged all of them. */
export interface RecordProducer {
  send(records: readonly OutboundRecord[]): Promise<void>;
}

/** Where a private reader starts: the whole retained log, only what comes next, or from a record time (ms). */
export type FollowFrom = 'beginning' | 'now' | { timestamp: number };

export type FollowHandler =
  /** Record by record; `batched` takes a whole fetch per call, for busy topics. A throw skips the record. */
  | { eachRecord: (record: ConsumedRecord) => void | Promise<void>; batched?: boolean }
  /** A partition's fetch at a time; the handler owns its errors. */
  | { eachBatch: (batch: RecordBatch) => Promise<void> };

export interface FollowOptions {
  /** Names the reader in logs, metrics and health, such as "registry". */
  name: string;
  /** A consumer group of this process alone: nothing is ever committed. */
  group: string;
  topics: readonly string[];
  from: FollowFrom;
  handler: FollowHandler;
  /** How long a fetch waits for records; short for latency, longer for quiet topics. */
  maxWaitMs: number;
  /**
   * Bytes a fetch waits for, up to `maxWaitMs`, before it answers (default 1: at once). A topic
   * that takes a steady trickle is then read in a few large fetches rather than one per record.
   */
  minBytes?: number;
  /**
   * Partitions still short of their end that see no record for this long count as read: a
   * compacted partition may have lost its last offset and would never report it.
   */
  settleWhenIdle?: { ms: number; onSettle: (pending: string[]) => void };
  monitor: ConsumerMonitor;
  logger: Logger;
}

/** A running private reader. */
export interface Following {
  /** Resolves once every record the topics held at start (from `from`) was handled. */
  readonly caughtUp: Promise<void>;
  /** Partitions not yet read to where they ended at start. */
  readonly pending: number;
  /** Where each partition ended at start (the offset after its last record), by `topic:partition`. */
  endOf(topic: string, partition: number): bigint | undefined;
  stop(): Promise<void>;
}

/** A batch of a consumer group that commits: resolve offsets as they are stored. */
export interface GroupBatch extends RecordBatch {
  isRunning(): boolean;
  isStale(): boolean;
  resolveOffset(offset: string): void;
}

export interface GroupReaderOptions {
  name: string;
  group: string;
  topic: string;
  sessionTimeoutMs: number;
  eachBatch: (batch: GroupBatch) => Promise<void>;
  /** After every join (also after a rebuilt consumer joins): the partitions this member now reads. */
  onJoin: (partitions: readonly number[]) => void;
  monitor: ConsumerMonitor;
  logger: Logger;
}

/** A member of a consumer group shared by processes; offsets are committed only by `commit`. */
export interface GroupReader {
  /** Joins the group; may be called again after it rejected. */
  start(): Promise<void>;
  /** Stops fetching, for a stop that lets the batch in progress finish. */
  pause(): void;
  /** Resolves false when no consumer runs right now (it is being rebuilt) and nothing was committed. */
  commit(offsets: readonly { partition: number; offset: string }[]): Promise<boolean>;
  stop(): Promise<void>;
}

/** The Kafka capabilities a feature may use. */
export interface KafkaPort {
  /** Starts a private reader; resolves once it runs (not once it caught up: see `caughtUp`). */
  follow(options: FollowOptions): Promise<Following>;
  groupReader(options: GroupReaderOptions): GroupReader;
  /** Removes a consumer group nobody uses any more. */
  deleteGroup(group: string): Promise<void>;
}
