/**
 * One token bucket per key (client id, remote address): `capacity` tokens, refilled at
 * `refillPerSecond`. Buckets that have refilled completely are forgotten, so memory follows
 * the number of keys active in the last `capacity / refillPerSecond` seconds.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep = 0;

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`; false when the bucket is empty (the caller is over its rate). */
  take(key: string): boolean {
    const bucket = this.refilled(key);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }

  /** Whether `key` has a token left, without taking it. */
  has(key: string): boolean {
    return this.refilled(key).tokens >= 1;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): { tokens: number; at: number } {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key);
    if (!bucket) return { tokens: this.capacity, at: now };
    const tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond);
    return { tokens, at: now };
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.capacity / this.refillPerSecond) * 1000;
    if (now - this.lastSweep < Math.min(fullAfterMs, 60_000)) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= fullAfterMs) this.buckets.delete(key);
    }
  }
}
