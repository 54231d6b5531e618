import {
  isTerminalCommandStatus,
  type CommandRecord,
  type CommandStatus,
  type CommandStatusRecord,
} from '../../contracts/index.js';

interface Entry {
  command: CommandRecord;
  terminal: boolean;
}

/**
 * What a gateway knows of commands: every command not yet finished and not expired, per device,
 * built from `iot.commands` and `iot.command-status`. Pure state, no I/O.
 */
export class CommandStore {
  /**
   * @param maxOpenPerDevice commands not yet finished that one device may have here; any Kafka
   * producer can write `iot.commands`, and a flood for one device must not grow without bound.
   */
  constructor(private readonly maxOpenPerDevice = 1000) {}

  private readonly byId = new Map<string, Entry>();
  private readonly byDevice = new Map<string, Set<string>>();
  // Statuses can arrive before their command (two topics, two partitions); keep them until it does.
  private readonly early = new Map<string, CommandStatus>();

  get size(): number {
    return this.byId.size;
  }

  /** False when the command was not kept because its device already has too many open. */
  addCommand(command: CommandRecord): boolean {
    if (this.byId.has(command.id)) return true;
    if (this.openFor(command.deviceId) >= this.maxOpenPerDevice) return false;
    const earlyStatus = this.early.get(command.id);
    this.early.delete(command.id);
    this.byId.set(command.id, {
      command,
      terminal: earlyStatus !== undefined && isTerminalCommandStatus(earlyStatus),
    });
    let ids = this.byDevice.get(command.deviceId);
    if (!ids) this.byDevice.set(command.deviceId, (ids = new Set()));
    ids.add(command.id);
    return true;
  }

  private openFor(deviceId: string): number {
    let open = 0;
    for (const id of this.byDevice.get(deviceId) ?? []) if (this.byId.get(id)?.terminal === false) open++;
    return open;
  }

  /** Whether command `id` is neither finished nor expired at `now`. */
  isOpen(id: string, now: number): boolean {
    const entry = this.byId.get(id);
    return entry !== undefined && !entry.terminal && entry.command.expiresAt > now;
  }

  applyStatus(status: CommandStatusRecord): void {
    const entry = this.byId.get(status.id);
    if (!entry) {
      if (isTerminalCommandStatus(status.status) || !this.early.has(status.id))
        this.early.set(status.id, status.status);
      return;
    }
    if (isTerminalCommandStatus(status.status)) entry.terminal = true;
  }

  get(id: string): CommandRecord | undefined {
    return this.byId.get(id)?.command;
  }

  /** Whether `id` is a command for `deviceId` that this store has seen (finished or not). */
  knows(deviceId: string, id: string): boolean {
    return this.byId.get(id)?.command.deviceId === deviceId;
  }

  /** Commands for `deviceId` still to deliver at `now`, oldest first. */
  pendingFor(deviceId: string, now: number): CommandRecord[] {
    const ids = this.byDevice.get(deviceId);
    if (!ids) return [];
    const pending: CommandRecord[] = [];
    for (const id of ids) {
      const entry = this.byId.get(id);
      if (entry && !entry.terminal && entry.command.expiresAt > now) pending.push(entry.command);
    }
    return pending.sort((a, b) => a.issuedAt - b.issuedAt);
  }

  /** Forgets commands that expired more than `graceMs` ago; results for them go to the dead letter. */
  prune(now: number, graceMs: number): number {
    let removed = 0;
    for (const [id, entry] of this.byId) {
      if (entry.command.expiresAt + graceMs > now) continue;
      this.byId.delete(id);
      const ids = this.byDevice.get(entry.command.deviceId);
      ids?.delete(id);
      if (ids?.size === 0) this.byDevice.delete(entry.command.deviceId);
      removed++;
    }
    if (this.early.size > 10_000) this.early.clear();
    return removed;
  }
}
