/** Called once for each record: without an error when Kafka acknowledged its batch. */
export type Done = (error?: Error) => void;

/**
 * The minimal bridge's batching: records are cut into a batch at `maxRecords` or `lingerMs` after
 * the first one waiting, and batches are sent one after another (one request in flight); each
 * record's `done` is called when its batch's send settles.
 */
export class SerialBatcher<T> {
  private pending: T[] = [];
  private pendingDone: Done[] = [];
  private readonly ready: { items: T[]; done: Done[] }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending = false;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly maxRecords: number,
    private readonly lingerMs: number,
  ) {}

  add(item: T, done: Done): void {
    this.pending.push(item);
    this.pendingDone.push(done);
    if (this.pending.length >= this.maxRecords) this.cut();
    else this.timer ??= setTimeout(() => this.cut(), this.lingerMs);
  }

  /** Batches cut and not sent yet, and records not cut yet. */
  get waiting(): { batches: number; records: number } {
    return { batches: this.ready.length, records: this.pending.length };
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.ready.push({ items: this.pending, done: this.pendingDone });
    this.pending = [];
    this.pendingDone = [];
    this.next();
  }

  private next(): void {
    if (this.sending) return;
    const batch = this.ready.shift();
    if (!batch) return;
    this.sending = true;
    const settle = (error?: Error): void => {
      this.sending = false;
      for (const done of batch.done) done(error);
      this.next();
    };
    this.send(batch.items).then(
      () => settle(),
      (error: unknown) => settle(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
