/** Where one topic partition ended when reading began. */
export interface PartitionEnd {
  topic: string;
  partition: number;
  /** The offset after the last record (the high watermark). */
  end: number;
  /** The first offset still in the log. */
  start: number;
}

/**
 * Resolves `done` once a consumer reading from the beginning has seen the last record that each
 * partition held at start. A compacted partition may have lost its last offset (a tombstone
 * removed after delete.retention.ms) and would never report it, hence the caller's time limit.
 */
export class CatchUp {
  readonly done: Promise<void>;
  private readonly remaining = new Map<string, number>();
  private resolve: () => void = () => undefined;

  constructor(ends: readonly PartitionEnd[]) {
    for (const p of ends) if (p.end > p.start) this.remaining.set(`${p.topic}:${p.partition}`, p.end);
    this.done = new Promise((resolve) => (this.resolve = resolve));
    if (this.remaining.size === 0) this.resolve();
  }

  get pending(): number {
    return this.remaining.size;
  }

  read(topic: string, partition: number, offset: string): void {
    const key = `${topic}:${partition}`;
    const end = this.remaining.get(key);
    if (end === undefined || Number(offset) + 1 < end) return;
    this.remaining.delete(key);
    if (this.remaining.size === 0) this.resolve();
  }
}
