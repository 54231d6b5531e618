export interface SliceBudgetOptions {
  /** Device messages handled in one event-loop slice, in ms, before the rest wait for the next. */
  budgetMs: number;
  now?: () => number;
  /** Runs `fn` after pending I/O and timers: `setImmediate`. */
  defer?: (fn: () => void) => void;
  /** A task threw; the others still run. */
  onError?: (error: unknown) => void;
}

/**
 * Keeps the device uplink's event-loop slices short. When a Kafka batch is acknowledged, every
 * connection it held resumes reading in the same slice, and a few thousand messages would be
 * decoded, validated and queued before timers, Kafka's answers or new connections get a turn.
 * Past `budgetMs` since the first message of a slice, messages wait in one queue, in arrival
 * order, for the next slice; later ones queue behind them, so every device's order is kept.
 *
 *     if (budget.admitsNow()) handle(message);
 *     else budget.later(() => handle(message));
 */
export class SliceBudget {
  // Tasks from `head` on are waiting; shifting one by one would copy the array every time.
  private queue: (() => void)[] = [];
  private head = 0;
  private sliceStart: number | undefined;
  private drainScheduled = false;
  private readonly now: () => number;
  private readonly defer: (fn: () => void) => void;

  constructor(private readonly options: SliceBudgetOptions) {
    this.now = options.now ?? (() => performance.now());
    this.defer = options.defer ?? ((fn) => setImmediate(fn));
  }

  /** Messages waiting for a later slice. */
  get waiting(): number {
    return this.queue.length - this.head;
  }

  /**
   * Whether a message may be handled now: nothing is waiting and this slice has time left. When
   * false, hand it to `later`. (Two calls, so that the common case allocates no closure.)
   */
  admitsNow(): boolean {
    return this.waiting === 0 && this.withinSlice();
  }

  /** Runs `task` in a later slice, after everything already waiting. */
  later(task: () => void): void {
    this.queue.push(task);
    this.scheduleDrain();
  }

  private withinSlice(): boolean {
    const now = this.now();
    if (this.sliceStart === undefined) {
      this.startSlice(now);
      return true;
    }
    return now - this.sliceStart < this.options.budgetMs;
  }

  private startSlice(now: number): void {
    this.sliceStart = now;
    // A new slice begins once this one has ended and the loop has gone round once.
    this.defer(() => (this.sliceStart = undefined));
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    this.defer(() => this.drain());
  }

  private drain(): void {
    this.drainScheduled = false;
    const start = this.now();
    // Messages that arrive in this slice after the queue is empty share its budget.
    if (this.sliceStart === undefined) this.startSlice(start);
    while (this.head < this.queue.length) {
      const task = this.queue[this.head] as () => void;
      this.queue[this.head++] = noop;
      this.attempt(task);
      if (this.now() - start >= this.options.budgetMs) break;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else this.scheduleDrain();
  }

  private attempt(task: () => void): void {
    try {
      task();
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}

function noop(): void {}
