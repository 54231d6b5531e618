export interface Deadline {
  at: number;
  id: string;
}

/** A binary min-heap of deadlines: one timer serves all of them, armed for the earliest. */
export class ExpiryQueue {
  private readonly heap: Deadline[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): Deadline | undefined {
    return this.heap[0];
  }

  push(deadline: Deadline): void {
    const heap = this.heap;
    heap.push(deadline);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Removes and returns the ids whose deadline is at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) due.push(this.pop().id);
    return due;
  }

  private pop(): Deadline {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && heap[left]!.at < heap[smallest]!.at) smallest = left;
        if (right < heap.length && heap[right]!.at < heap[smallest]!.at) smallest = right;
        if (smallest === i) break;
        [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
        i = smallest;
      }
    }
    return top;
  }
}
