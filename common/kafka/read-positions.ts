import type { Logger } from '../logger.js';
import type { ConsumerMonitor } from './consumer-monitor.js';
import { messageOf } from './consumer-lifecycle.js';

/** Where reading a partition goes on: the offset of the next record, as a decimal string. */
export interface PartitionPosition {
  topic: string;
  partition: number;
  offset: string;
}

export interface PartitionBounds {
  partition: number;
  /** Offset of the oldest record kept, and the offset the next record will get. */
  low: string;
  high: string;
}

/** Next offset per partition, for readers that never commit and resume where they were after a restart. */
export class ReadPositions {
  private readonly next = new Map<string, PartitionPosition>();

  set(position: PartitionPosition): void {
    this.next.set(`${position.topic}:${position.partition}`, position);
  }

  /** The record at `offset` was handled: reading goes on after it. */
  passed(topic: string, partition: number, offset: string): void {
    this.set({ topic, partition, offset: (BigInt(offset) + 1n).toString() });
  }

  all(): PartitionPosition[] {
    return [...this.next.values()];
  }

  get size(): number {
    return this.next.size;
  }

  /**
   * A remembered position outside its partition's log (the topic was deleted and created again
   * while the consumer was down, or retention passed it) would be reset by the client to the log's
   * end for a reader that starts from now, skipping what was written meanwhile: it restarts at the
   * oldest record kept instead. Reading a record twice is harmless to every reader; missing one is not.
   */
  async keepInLog(
    boundsOf: (topic: string) => Promise<readonly PartitionBounds[]>,
    consumer: string,
    logger: Logger,
  ): Promise<void> {
    const topics = new Set(this.all().map((p) => p.topic));
    for (const topic of topics) {
      for (const { partition, low, high } of await boundsOf(topic)) {
        const at = this.next.get(`${topic}:${partition}`);
        if (at === undefined) continue;
        const offset = BigInt(at.offset);
        if (offset >= BigInt(low) && offset <= BigInt(high)) continue;
        logger.warn(
          { consumer, topic, partition, offset: at.offset, low, high },
          'Kafka consumer position is outside the log; resuming at its oldest record',
        );
        this.set({ topic, partition, offset: low });
      }
    }
  }
}

const HANDLER_ERROR_LOG_EVERY_MS = 10_000;

/** Where a record came from, for counting and logging its handler's failure. */
export interface RecordPlace {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * Runs a record's handler so that its exception never reaches the client (which would fetch the
 * same record again, forever for a poison record): it is counted as `handler_error` and logged at
 * most once per 10 s, and the record is passed over.
 */
export class HandlerGuard {
  private lastLog = -Infinity;
  private notLogged = 0;

  constructor(
    private readonly consumer: string,
    private readonly monitor: ConsumerMonitor,
    private readonly logger: Logger,
  ) {}

  /** True when the handler went through, false when it threw. */
  async run(handler: () => void | Promise<void>, place: RecordPlace): Promise<boolean> {
    try {
      await handler();
      return true;
    } catch (error) {
      this.monitor.skipped(place.topic, 'handler_error');
      this.log(place, error);
      return false;
    }
  }

  // A stream of poison records must not become a stream of log lines.
  private log(place: RecordPlace, error: unknown): void {
    const now = Date.now();
    if (now - this.lastLog < HANDLER_ERROR_LOG_EVERY_MS) {
      this.notLogged++;
      return;
    }
    this.logger.error(
      { consumer: this.consumer, ...place, err: messageOf(error), notLoggedSince: this.notLogged },
      'Kafka record handler failed; record skipped',
    );
    this.lastLog = now;
    this.notLogged = 0;
  }
}
