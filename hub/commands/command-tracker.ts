import { EventEmitter } from 'node:events';
import type { CommandRecord, CommandStatus, CommandStatusRecord } from '../../contracts/index.js';
import { Lifecycle, type StatusEntry } from './lifecycle.js';
import { RecencyIndex } from './recency-index.js';

export interface CommandSummary {
  command: CommandRecord;
  status: CommandStatus;
  /** When the current status was recorded. */
  updatedAt: number;
}

export interface CommandView extends CommandSummary {
  history: StatusEntry[];
}

export interface StatusChange {
  command: CommandRecord;
  /** The record that is now the current status; for a command with no status record yet, `queued` at issuedAt. */
  entry: StatusEntry;
  terminal: boolean;
}

export interface TrackerEvents {
  /** A command became known; `pending` when it has no terminal status. */
  added: [command: CommandRecord, pending: boolean];
  change: [change: StatusChange];
}

export interface TrackerOptions {
  /** How long a finished command stays, counted from issuedAt: the window a restarted hub reads again. */
  retentionMs: number;
  /** How long statuses wait for a command that has not arrived (it is on another topic). */
  orphanTtlMs: number;
  maxOrphans: number;
  now(): number;
}

interface Tracked {
  command: CommandRecord;
  lifecycle: Lifecycle;
}

interface Orphan {
  deviceId: string;
  lifecycle: Lifecycle;
  firstSeen: number;
}

function entryOf(record: CommandStatusRecord): StatusEntry {
  const entry: StatusEntry = { status: record.status, at: record.at };
  if (record.gatewayId !== undefined) entry.gatewayId = record.gatewayId;
  if (record.detail !== undefined) entry.detail = record.detail;
  return entry;
}

/**
 * Every command of the history window and its status, built only from `iot.commands` and
 * `iot.command-status` (event sourcing): a restarted hub reads the window again and knows the same.
 * No I/O; the feed, the expiry enforcer and the API sit around it.
 *
 * A command with no status record yet is `queued`: being on `iot.commands` is what queues it. The
 * hub writes an explicit `queued` record only for the commands it issues itself.
 */
export class CommandTracker extends EventEmitter<TrackerEvents> {
  private readonly tracked = new Map<string, Tracked>();
  // Statuses may be read before their command: two topics, read side by side.
  private readonly orphans = new Map<string, Orphan>();
  private readonly recent = new RecencyIndex();
  private pending = 0;

  constructor(private readonly options: TrackerOptions) {
    super();
  }

  get size(): number {
    return this.tracked.size;
  }

  get pendingCount(): number {
    return this.pending;
  }

  get orphanCount(): number {
    return this.orphans.size;
  }

  /** Adds a command; false when it is already known (it is read back from Kafka after this hub wrote it). */
  addCommand(command: CommandRecord): boolean {
    if (this.tracked.has(command.id)) return false;
    const orphan = this.orphans.get(command.id);
    this.orphans.delete(command.id);
    const lifecycle = orphan?.deviceId === command.deviceId ? orphan.lifecycle : new Lifecycle();
    this.tracked.set(command.id, { command, lifecycle });
    this.recent.add(command.deviceId, { issuedAt: command.issuedAt, id: command.id });
    if (!lifecycle.terminal) this.pending++;
    this.emit('added', command, !lifecycle.terminal);
    this.emit('change', {
      command,
      entry: lifecycle.current ?? { status: 'queued', at: command.issuedAt },
      terminal: lifecycle.terminal,
    });
    return true;
  }

  applyStatus(record: CommandStatusRecord): void {
    const tracked = this.tracked.get(record.id);
    if (!tracked) {
      this.keepOrphan(record);
      return;
    }
    // Ids are unique per command, not per device; a status naming another device is not this command's.
    if (tracked.command.deviceId !== record.deviceId) return;
    const entry = entryOf(record);
    const shown = tracked.lifecycle.current?.status ?? 'queued';
    if (!tracked.lifecycle.apply(entry)) return;
    if (tracked.lifecycle.terminal) this.pending--;
    // The hub's own `queued` record, read after the command: the status shown does not change.
    if (entry.status === shown) return;
    this.emit('change', { command: tracked.command, entry, terminal: tracked.lifecycle.terminal });
  }

  isPending(id: string): boolean {
    const tracked = this.tracked.get(id);
    return tracked !== undefined && !tracked.lifecycle.terminal;
  }

  *pendingCommands(): Generator<CommandRecord> {
    for (const { command, lifecycle } of this.tracked.values()) if (!lifecycle.terminal) yield command;
  }

  getCommand(id: string): CommandRecord | undefined {
    return this.tracked.get(id)?.command;
  }

  get(id: string): CommandView | undefined {
    const tracked = this.tracked.get(id);
    return tracked && { ...this.summaryOf(tracked), history: [...tracked.lifecycle.history] };
  }

  /** The newest commands first (by issuedAt), of one device or of all. */
  list(limit: number, deviceId?: string): CommandSummary[] {
    const out: CommandSummary[] = [];
    for (const id of this.recent.newest(limit, deviceId)) {
      const tracked = this.tracked.get(id);
      if (tracked) out.push(this.summaryOf(tracked));
    }
    return out;
  }

  /** Forgets finished commands issued before the window and statuses whose command never came. */
  prune(): number {
    const now = this.options.now();
    const ids = new Set<string>();
    const devices = new Set<string>();
    for (const [id, { command, lifecycle }] of this.tracked) {
      if (!lifecycle.terminal || command.issuedAt >= now - this.options.retentionMs) continue;
      this.tracked.delete(id);
      ids.add(id);
      devices.add(command.deviceId);
    }
    this.recent.remove(ids, devices);
    for (const [id, orphan] of this.orphans)
      if (orphan.firstSeen < now - this.options.orphanTtlMs) this.orphans.delete(id);
    return ids.size;
  }

  private summaryOf({ command, lifecycle }: Tracked): CommandSummary {
    const current = lifecycle.current;
    return {
      command,
      status: current?.status ?? 'queued',
      updatedAt: current?.at ?? command.issuedAt,
    };
  }

  private keepOrphan(record: CommandStatusRecord): void {
    let orphan = this.orphans.get(record.id);
    if (orphan && orphan.deviceId !== record.deviceId) return;
    if (!orphan) {
      if (this.orphans.size >= this.options.maxOrphans) {
        const oldest = this.orphans.keys().next();
        if (!oldest.done) this.orphans.delete(oldest.value);
      }
      orphan = { deviceId: record.deviceId, lifecycle: new Lifecycle(), firstSeen: this.options.now() };
      this.orphans.set(record.id, orphan);
    }
    orphan.lifecycle.apply(entryOf(record));
  }
}
