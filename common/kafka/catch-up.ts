import type { FollowHandler, FollowOptions, Following } from './port.js';

/** Where one topic partition ended when reading began. */
export interface PartitionEnd {
  topic: string;
  partition: number;
  /** The offset after the last record (the high watermark). */
  end: number;
  /** The first offset to read (the log start, or where reading was positioned). */
  start: number;
}

/**
 * Resolves `done` once a consumer has seen the last record that each partition held at start.
 * A compacted partition may have lost its last offset (a tombstone removed after
 * delete.retention.ms) and would never report it; `settleWhenIdle` covers that case: a consumer
 * that receives nothing for that long while still "behind" has nothing left to read.
 */
export class CatchUp {
  readonly done: Promise<void>;
  private readonly remaining = new Map<string, number>();
  private resolve: () => void = () => undefined;
  private idle: { ms: number; onSettle: (pending: string[]) => void; timer?: NodeJS.Timeout } | undefined;

  constructor(ends: readonly PartitionEnd[]) {
    for (const p of ends) if (p.end > p.start) this.remaining.set(`${p.topic}:${p.partition}`, p.end);
    this.done = new Promise((resolve) => (this.resolve = resolve));
    if (this.remaining.size === 0) this.resolve();
  }

  get pending(): number {
    return this.remaining.size;
  }

  read(topic: string, partition: number, offset: string): void {
    if (this.idle) this.armIdle();
    const key = `${topic}:${partition}`;
    const end = this.remaining.get(key);
    if (end === undefined || Number(offset) + 1 < end) return;
    this.remaining.delete(key);
    if (this.remaining.size === 0) this.finish();
  }

  /** Call once the consumer runs: `ms` without a record while partitions are pending settles `done`. */
  settleWhenIdle(ms: number, onSettle: (pending: string[]) => void): void {
    if (this.remaining.size === 0) return;
    this.idle = { ms, onSettle };
    this.armIdle();
  }

  private armIdle(): void {
    const idle = this.idle;
    if (!idle) return;
    clearTimeout(idle.timer);
    idle.timer = setTimeout(() => {
      if (this.remaining.size === 0) return;
      idle.onSettle([...this.remaining.keys()]);
      this.remaining.clear();
      this.finish();
    }, idle.ms);
    idle.timer.unref();
  }

  private finish(): void {
    clearTimeout(this.idle?.timer);
    this.idle = undefined;
    this.resolve();
  }
}

/** `handler` counting into `catchUp` every record it is given, whether it handled it or threw. */
export function countingReads(handler: FollowHandler, catchUp: CatchUp): FollowHandler {
  if ('eachBatch' in handler) {
    return {
      eachBatch: async (batch) => {
        const last = batch.messages[batch.messages.length - 1];
        try {
          await handler.eachBatch(batch);
        } finally {
          if (last !== undefined) catchUp.read(batch.topic, batch.partition, last.offset);
        }
      },
    };
  }
  return {
    ...handler,
    eachRecord: async (record) => {
      try {
        await handler.eachRecord(record);
      } finally {
        catchUp.read(record.topic, record.partition, record.message.offset);
      }
    },
  };
}

/**
 * What `follow` hands back for a reader that started at `ends` and counts its reads into `catchUp`,
 * once it runs: from then on, a partition idle for `settleWhenIdle.ms` counts as read.
 */
export function followingOf(
  catchUp: CatchUp,
  ends: readonly PartitionEnd[],
  options: Pick<FollowOptions, 'settleWhenIdle'>,
  stop: () => Promise<void>,
): Following {
  const endOf = new Map(ends.map((p) => [`${p.topic}:${p.partition}`, BigInt(p.end)]));
  if (options.settleWhenIdle)
    catchUp.settleWhenIdle(options.settleWhenIdle.ms, options.settleWhenIdle.onSettle);
  return {
    caughtUp: catchUp.done,
    get pending() {
      return catchUp.pending;
    },
    endOf: (topic, partition) => endOf.get(`${topic}:${partition}`),
    stop,
  };
}
