export interface RecencyKey {
  issuedAt: number;
  id: string;
}

function compare(a: RecencyKey, b: RecencyKey): number {
  if (a.issuedAt !== b.issuedAt) return a.issuedAt - b.issuedAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Keys sorted by (issuedAt, id). Commands mostly arrive in issuedAt order, so inserts land at the end. */
class SortedKeys {
  private items: RecencyKey[] = [];

  get size(): number {
    return this.items.length;
  }

  insert(key: RecencyKey): void {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.items[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, key);
  }

  removeIds(ids: ReadonlySet<string>): void {
    this.items = this.items.filter((k) => !ids.has(k.id));
  }

  newest(limit: number): string[] {
    const out: string[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) out.push(this.items[i]!.id);
    return out;
  }
}

/** Command ids newest first, over all devices or for one. */
export class RecencyIndex {
  private readonly all = new SortedKeys();
  private readonly byDevice = new Map<string, SortedKeys>();

  add(deviceId: string, key: RecencyKey): void {
    this.all.insert(key);
    let keys = this.byDevice.get(deviceId);
    if (!keys) this.byDevice.set(deviceId, (keys = new SortedKeys()));
    keys.insert(key);
  }

  /** Removes many at once: one pass over each list, which is what pruning needs. */
  remove(ids: ReadonlySet<string>, deviceIds: ReadonlySet<string>): void {
    if (ids.size === 0) return;
    this.all.removeIds(ids);
    for (const deviceId of deviceIds) {
      const keys = this.byDevice.get(deviceId);
      keys?.removeIds(ids);
      if (keys?.size === 0) this.byDevice.delete(deviceId);
    }
  }

  newest(limit: number, deviceId?: string): string[] {
    const keys = deviceId === undefined ? this.all : this.byDevice.get(deviceId);
    return keys?.newest(limit) ?? [];
  }
}
