import { AppError } from '../errors.js';
import { retry, type BackoffOptions } from '../retry.js';
import { RecordRejectedError, classifyProduceError, type ProduceDisposition } from './errors.js';
import {
  describeMisfit,
  encodedRecordBytes,
  firstMisfit,
  misfitOf,
  type RecordLimits,
  type RecordMisfit,
} from './record-limits.js';

export interface OutRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** What the batcher needs of Kafka: send these records with acks=all, resolve once acknowledged. */
export interface RecordSink {
  send(records: readonly OutRecord[]): Promise<void>;
}

export interface BatcherOptions {
  lingerMs: number;
  maxBatchRecords: number;
  maxBatchBytes: number;
  /** QoS 0 records beyond this many queued bytes are dropped rather than queued. */
  maxBestEffortBytes: number;
  retryBackoff: BackoffOptions;
  /** Records that can never fit these limits are refused when queued (`RecordRejectedError`). */
  limits?: RecordLimits;
}

export interface BatcherObserver {
  onBatchSent?(records: readonly OutRecord[], seconds: number): void;
  onBatchFailed?(error: unknown, attempt: number, retryInMs: number): void;
  onDropped?(record: OutRecord): void;
  /** A record failed for good: too large to send, or refused by Kafka in a way no retry changes. */
  onRejected?(record: OutRecord, error: RecordRejectedError): void;
  /** A caller's `Settled` callback threw; the batcher went on with the other records. */
  onCallbackFailed?(error: unknown): void;
}

/** Told once whether a record reached Kafka: without an error once it is acknowledged. */
export type Settled = (error?: Error) => void;

interface Pending {
  record: OutRecord;
  bytes: number;
  bestEffort: boolean;
  settled: Settled;
}

export class BatcherClosedError extends AppError<'batcher_closed'> {
  constructor() {
    super('batcher_closed', 'the record batcher is closed', { retriable: false });
    this.name = 'BatcherClosedError';
  }
}

function oneTopic(batch: readonly Pending[]): boolean {
  return batch.every((p) => p.record.topic === batch[0]?.record.topic);
}

/**
 * Coalesces records into batched sends (kafkajs has no linger setting). Exactly one send is in
 * flight at a time and a failed batch is retried before anything queued after it, so records
 * reach Kafka in the order they were enqueued, which keeps each device's order. A batch Kafka
 * refuses for good (see `classifyProduceError`) is sent again in halves, in order, until only
 * the records it refuses are left; those fail alone and everything else goes on.
 */
export class RecordBatcher {
  private readonly queue: Pending[] = [];
  private queuedBytes = 0;
  private bestEffortBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private closed = false;
  private readonly abort = new AbortController();
  private roomWaiters: { limit: number; resolve: () => void }[] = [];
  /** Records of the batch in flight that Kafka refused; only set when it refused some. */
  private refused: Map<Pending, RecordRejectedError> | undefined;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: BatcherOptions,
    private readonly observer: BatcherObserver = {},
  ) {}

  get bytesQueued(): number {
    return this.queuedBytes;
  }

  get recordsQueued(): number {
    return this.queue.length;
  }

  /** Resolves once no more than `limit` bytes are queued; how producers of records apply backpressure. */
  hasRoom(limit: number): Promise<void> {
    if (this.queuedBytes <= limit || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push({ limit, resolve }));
  }

  /** Whether a record may be queued under `limit` now, ahead of nobody already waiting for room. */
  hasRoomNow(limit: number): boolean {
    return this.closed || (this.queuedBytes <= limit && this.roomWaiters.length === 0);
  }

  /** The first of `records` that could never be sent under the configured limits, if any. */
  firstMisfit(records: readonly OutRecord[]): RecordMisfit | undefined {
    return this.options.limits && firstMisfit(records, this.options.limits);
  }

  /**
   * Resolves when Kafka acknowledged the record; rejects with `RecordRejectedError` when it never
   * will (too large for the limits, or refused by Kafka for good).
   */
  enqueue(record: OutRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.enqueueAll([record], (error) => (error ? reject(error) : resolve()));
    });
  }

  /**
   * Queues `records` in order and calls `settled` once: when Kafka acknowledged all of them, or
   * with the first failure (`RecordRejectedError`, `BatcherClosedError`). The device uplink's
   * path: no promise per record. `settled` may run synchronously, before this returns.
   */
  enqueueAll(records: readonly OutRecord[], settled: Settled): void {
    if (this.closed) return settled(new BatcherClosedError());
    if (records.length === 0) return settled();
    if (records.length === 1) return this.queueOne(records[0] as OutRecord, settled);
    let waiting = records.length;
    let failed = false;
    const each: Settled = (error) => {
      if (failed) return;
      if (error) {
        failed = true;
        return settled(error);
      }
      if (--waiting === 0) settled();
    };
    for (const record of records) this.queueOne(record, each);
  }

  private queueOne(record: OutRecord, settled: Settled): void {
    const bytes = encodedRecordBytes(record);
    const misfit = this.options.limits && misfitOf(record.topic, bytes, this.options.limits);
    if (misfit) return settled(this.tooLarge(record, misfit));
    this.push({ record, bytes, bestEffort: false, settled });
  }

  /**
   * Queues a record nobody waits for; returns false (and drops it) when the best-effort budget is
   * spent or the record could never be sent.
   */
  offer(record: OutRecord): boolean {
    const bytes = encodedRecordBytes(record);
    const misfit = this.options.limits && misfitOf(record.topic, bytes, this.options.limits);
    if (misfit) {
      this.tooLarge(record, misfit);
      return false;
    }
    if (this.closed || this.bestEffortBytes + bytes > this.options.maxBestEffortBytes) {
      this.observer.onDropped?.(record);
      return false;
    }
    this.bestEffortBytes += bytes;
    this.push({ record, bytes, bestEffort: true, settled: noop });
    return true;
  }

  /** Sends everything queued now and resolves when it is acknowledged. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.queue.length > 0 || this.sending) {
      if (!this.sending) this.startSend();
      await this.sending;
    }
  }

  /** Resolves true once everything queued is acknowledged, false if `timeoutMs` passes first. */
  async flushWithin(timeoutMs: number): Promise<boolean> {
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timeout = setTimeout(() => resolve(false), timeoutMs);
    });
    const flushed = await Promise.race([this.flush().then(() => true as const), expired]);
    clearTimeout(timeout);
    return flushed;
  }

  /** Flushes within `timeoutMs`; then fails whatever is still queued. */
  async close(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (!(await this.flushWithin(timeoutMs))) {
      this.abort.abort(new BatcherClosedError());
      for (const pending of this.queue.splice(0)) this.settle(pending, new BatcherClosedError());
      this.queuedBytes = 0;
      this.bestEffortBytes = 0;
    }
  }

  private push(pending: Pending): void {
    this.queue.push(pending);
    this.queuedBytes += pending.bytes;
    if (this.sending) return;
    if (this.queue.length >= this.options.maxBatchRecords) {
      this.clearTimer();
      this.startSend();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.sending) this.startSend();
      }, this.options.lingerMs);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private takeBatch(): Pending[] {
    let count = 0;
    let bytes = 0;
    for (const pending of this.queue) {
      if (count >= this.options.maxBatchRecords) break;
      if (count > 0 && bytes + pending.bytes > this.options.maxBatchBytes) break;
      count++;
      bytes += pending.bytes;
    }
    return this.queue.slice(0, count);
  }

  private startSend(): void {
    if (this.queue.length === 0) return;
    this.sending = this.sendLoop().finally(() => {
      this.sending = undefined;
      // Records that arrived while the send was in flight have waited at least one round trip:
      // send them now instead of lingering again.
      if (this.queue.length > 0 && !this.abort.signal.aborted) this.startSend();
    });
  }

  private settle(pending: Pending, error: Error | undefined): void {
    try {
      pending.settled(error);
    } catch (thrown) {
      this.observer.onCallbackFailed?.(thrown);
    }
  }

  private tooLarge(record: OutRecord, misfit: RecordMisfit): RecordRejectedError {
    const error = new RecordRejectedError(record.topic, 'RECORD_TOO_LARGE', describeMisfit(misfit));
    this.observer.onRejected?.(record, error);
    return error;
  }

  private async sendLoop(): Promise<void> {
    const batch = this.takeBatch();
    const delivered = await this.deliver(batch);
    const refused = this.refused;
    this.refused = undefined;
    if (!delivered) return;
    this.queue.splice(0, batch.length);
    for (const pending of batch) {
      this.queuedBytes -= pending.bytes;
      if (pending.bestEffort) this.bestEffortBytes -= pending.bytes;
      this.settle(pending, refused?.get(pending));
    }
    if (this.roomWaiters.length > 0) {
      const waiting = this.roomWaiters;
      this.roomWaiters = [];
      for (const waiter of waiting) {
        if (this.queuedBytes <= waiter.limit) waiter.resolve();
        else this.roomWaiters.push(waiter);
      }
    }
  }

  /**
   * Sends `batch` until Kafka has taken all of it but what it refuses for good, retrying the
   * whole batch while failures are transient. False if the batcher was closed meanwhile.
   */
  private async deliver(batch: readonly Pending[]): Promise<boolean> {
    const records = batch.map((p) => p.record);
    try {
      await retry(() => this.sendOnce(records), {
        ...this.options.retryBackoff,
        maxAttempts: Infinity,
        signal: this.abort.signal,
        isRetriable: (error) => classifyProduceError(error).action !== 'reject',
        onRetry: (error, attempt, delayMs) => this.observer.onBatchFailed?.(error, attempt, delayMs),
      });
    } catch (error) {
      if (this.abort.signal.aborted) return false;
      const failure = classifyProduceError(error);
      // Only a refusal ends the retries; anything else is an observer's own throw, passed on.
      if (failure.action !== 'reject') throw error;
      return this.isolate(batch, failure, error);
    }
    return !this.abort.signal.aborted;
  }

  private async sendOnce(records: readonly OutRecord[]): Promise<void> {
    const started = process.hrtime.bigint();
    await this.sink.send(records);
    this.observer.onBatchSent?.(records, Number(process.hrtime.bigint() - started) / 1e9);
  }

  // kafkajs reports only the first failing partition's error, so the records it concerns are
  // found by sending halves, first half first, which keeps the order of everything sent.
  private async isolate(
    batch: readonly Pending[],
    failure: Extract<ProduceDisposition, { action: 'reject' }>,
    error: unknown,
  ): Promise<boolean> {
    if (batch.length === 1 || (failure.wholeTopic && oneTopic(batch))) {
      const detail = error instanceof Error ? error.message : String(error);
      for (const pending of batch) {
        const rejection = new RecordRejectedError(pending.record.topic, failure.reason, detail, {
          cause: error,
        });
        (this.refused ??= new Map()).set(pending, rejection);
        this.observer.onRejected?.(pending.record, rejection);
      }
      return true;
    }
    const half = Math.ceil(batch.length / 2);
    return (await this.deliver(batch.slice(0, half))) && this.deliver(batch.slice(half));
  }
}

function noop(): void {}
