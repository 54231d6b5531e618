interface Entry {
  dueMs: number;
  key: number;
  generation: number;
}

/**
 * A binary min-heap of due times, so one shared tick serves a whole fleet instead of one timer
 * per device. Rescheduling a key bumps its generation; older entries are skipped when popped.
 */
export class TimerHeap {
  private readonly heap: Entry[] = [];
  private readonly generations = new Map<number, number>();

  get size(): number {
    return this.heap.length;
  }

  schedule(key: number, dueMs: number): void {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    this.push({ dueMs, key, generation });
  }

  cancel(key: number): void {
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }

  /** Removes and returns the keys due at or before `nowMs`, earliest first, with their due times. */
  popDue(nowMs: number): { key: number; dueMs: number }[] {
    const due: { key: number; dueMs: number }[] = [];
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.dueMs > nowMs) return due;
      this.pop();
      if (this.generations.get(top.key) === top.generation) due.push({ key: top.key, dueMs: top.dueMs });
    }
  }

  private push(entry: Entry): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Entry).dueMs <= entry.dueMs) break;
      h[i] = h[parent] as Entry;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= h.length) break;
      const right = left + 1;
      const child = right < h.length && (h[right] as Entry).dueMs < (h[left] as Entry).dueMs ? right : left;
      if ((h[child] as Entry).dueMs >= last.dueMs) break;
      h[i] = h[child] as Entry;
      i = child;
    }
    h[i] = last;
  }
}
