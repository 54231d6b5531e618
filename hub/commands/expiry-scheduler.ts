import { ExpiryQueue } from './expiry-queue.js';

// setTimeout fires at once for delays beyond 2^31-1 ms; longer waits re-arm on the way.
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

export interface ExpirySchedulerOptions {
  now(): number;
  /** Ids whose deadline passed, earliest first; an id appears as often as it was scheduled. */
  onDue(ids: string[]): void;
}

/** Calls `onDue` when deadlines pass, with one timer armed for the earliest deadline. */
export class ExpiryScheduler {
  private readonly queue = new ExpiryQueue();
  private timer: NodeJS.Timeout | undefined;
  private armedFor: number | undefined;
  private running = false;

  constructor(private readonly options: ExpirySchedulerOptions) {}

  get scheduled(): number {
    return this.queue.size;
  }

  schedule(id: string, at: number): void {
    this.queue.push({ id, at });
    if (this.running && (this.armedFor === undefined || at < this.armedFor)) this.arm();
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = undefined;
    const next = this.queue.peek();
    if (next === undefined) return;
    const delay = Math.min(MAX_TIMER_DELAY_MS, Math.max(0, next.at - this.options.now()));
    this.armedFor = next.at;
    this.timer = setTimeout(() => this.fire(), delay);
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    const due = this.queue.popDue(this.options.now());
    // Re-armed before onDue, so a schedule() from inside it is not lost.
    this.arm();
    if (due.length > 0) this.options.onDue(due);
  }
}
