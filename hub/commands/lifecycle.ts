import { isTerminalCommandStatus, type CommandStatus } from '../../contracts/index.js';

/** One status record as the history keeps it. */
export interface StatusEntry {
  status: CommandStatus;
  at: number;
  gatewayId?: string;
  detail?: string;
}

// Terminal statuses share the top rank: whichever comes first in the partition wins.
const RANK: Readonly<Record<CommandStatus, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  succeeded: 3,
  failed: 3,
  rejected: 3,
  expired: 3,
};

/** History entries kept beyond those that changed the current status; a flapping device cannot grow it. */
export const MAX_HISTORY_ENTRIES = 32;

/**
 * The status of one command, from its status records in the order Kafka holds them (one device's
 * records share a partition, so every process sees the same order and reaches the same answer):
 * - the first terminal status is final; later records are history only;
 * - otherwise the current status only moves forward, queued < sent < delivered; a `sent` after
 *   `delivered` (a re-send after the device reconnected) is history, since the device already had
 *   the command once.
 */
export class Lifecycle {
  private currentEntry: StatusEntry | undefined;
  private readonly entries: StatusEntry[] = [];
  private droppedEntries = 0;

  get current(): StatusEntry | undefined {
    return this.currentEntry;
  }

  get terminal(): boolean {
    return this.currentEntry !== undefined && isTerminalCommandStatus(this.currentEntry.status);
  }

  get history(): readonly StatusEntry[] {
    return this.entries;
  }

  /** Entries left out of the history because it was full. */
  get dropped(): number {
    return this.droppedEntries;
  }

  /** Records one status; true when it became the current status. */
  apply(entry: StatusEntry): boolean {
    const current = this.currentEntry;
    const advances =
      current === undefined ||
      (!isTerminalCommandStatus(current.status) && RANK[entry.status] > RANK[current.status]);
    if (advances) this.currentEntry = entry;
    if (advances || this.entries.length < MAX_HISTORY_ENTRIES) this.entries.push(entry);
    else this.droppedEntries++;
    return advances;
  }
}
