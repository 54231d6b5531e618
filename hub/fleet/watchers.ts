import { failure, success, type Result } from '../../common/result.js';

/** The devices newly watched, or why none were. */
export type WatchOutcome = Result<string[], 'too_many_devices'>;

/** Which consoles watch which devices, both ways, with a cap per console. */
export class Watchers<C> {
  private readonly byDevice = new Map<string, Set<C>>();
  private readonly byClient = new Map<C, Set<string>>();

  constructor(private readonly maxPerClient: number) {}

  watch(client: C, deviceIds: readonly string[]): WatchOutcome {
    const mine = this.byClient.get(client) ?? new Set<string>();
    const added = [...new Set(deviceIds)].filter((id) => !mine.has(id));
    if (mine.size + added.length > this.maxPerClient)
      return failure(
        'too_many_devices',
        `a console may watch at most ${this.maxPerClient} devices; it watches ${mine.size} now`,
      );
    this.byClient.set(client, mine);
    for (const id of added) {
      mine.add(id);
      const watchers = this.byDevice.get(id) ?? new Set<C>();
      watchers.add(client);
      this.byDevice.set(id, watchers);
    }
    return success(added);
  }

  unwatch(client: C, deviceIds: Iterable<string>): void {
    const mine = this.byClient.get(client);
    if (mine === undefined) return;
    for (const id of deviceIds) {
      if (!mine.delete(id)) continue;
      const watchers = this.byDevice.get(id);
      watchers?.delete(client);
      if (watchers?.size === 0) this.byDevice.delete(id);
    }
    if (mine.size === 0) this.byClient.delete(client);
  }

  drop(client: C): void {
    const mine = this.byClient.get(client);
    if (mine !== undefined) this.unwatch(client, [...mine]);
  }

  of(deviceId: string): ReadonlySet<C> | undefined {
    return this.byDevice.get(deviceId);
  }

  watched(client: C): string[] {
    return [...(this.byClient.get(client) ?? [])].sort();
  }
}
