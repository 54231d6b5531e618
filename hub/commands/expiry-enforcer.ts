import type { CommandStatusRecord } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { CommandLog } from './command-log.js';
import type { CommandTracker } from './command-tracker.js';
import { ExpiryScheduler } from './expiry-scheduler.js';

export interface ExpiryEnforcerOptions {
  tracker: CommandTracker;
  log: Pick<CommandLog, 'writeStatuses'>;
  now: () => number;
  /** Wait before writing again when Kafka refused an `expired` record. */
  retryMs: number;
  logger: Logger;
  onExpiredWritten?(count: number): void;
}

export const EXPIRED_DETAIL = 'no result before expiresAt';

/**
 * Writes `expired` for every command whose expiresAt passed without a terminal status. Every hub
 * does this for every command; when several write it, the first terminal record in the partition
 * wins and the rest are history, so no coordination is needed.
 */
export class ExpiryEnforcer {
  private readonly scheduler: ExpiryScheduler;
  private readonly onAdded = (command: { id: string; expiresAt: number }, pending: boolean): void => {
    if (pending) this.scheduler.schedule(command.id, command.expiresAt);
  };

  constructor(private readonly options: ExpiryEnforcerOptions) {
    this.scheduler = new ExpiryScheduler({ now: options.now, onDue: (ids) => void this.expire(ids) });
  }

  /** Call once the tracker has read the history, or commands finished in Kafka would be expired. */
  start(): void {
    for (const command of this.options.tracker.pendingCommands())
      this.scheduler.schedule(command.id, command.expiresAt);
    this.options.tracker.on('added', this.onAdded);
    this.scheduler.start();
  }

  stop(): void {
    this.options.tracker.off('added', this.onAdded);
    this.scheduler.stop();
  }

  private async expire(ids: string[]): Promise<void> {
    const { tracker, now } = this.options;
    const at = now();
    const records: CommandStatusRecord[] = [];
    for (const id of new Set(ids)) {
      const command = tracker.isPending(id) ? tracker.getCommand(id) : undefined;
      if (command)
        records.push({ id, deviceId: command.deviceId, status: 'expired', at, detail: EXPIRED_DETAIL });
    }
    if (records.length === 0) return;
    try {
      await this.options.log.writeStatuses(records);
      this.options.onExpiredWritten?.(records.length);
    } catch (error) {
      this.options.logger.warn(
        { err: error instanceof Error ? error.message : String(error), commands: records.length },
        'could not write expired statuses; retrying',
      );
      for (const record of records) this.scheduler.schedule(record.id, at + this.options.retryMs);
    }
  }
}
