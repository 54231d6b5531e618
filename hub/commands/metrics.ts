import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CommandTracker, StatusChange } from './command-tracker.js';

/**
 * Command metrics. Every hub reads every command, so `finished` and `round_trip` count the whole
 * system in each hub: compare or take the max across hubs, never sum them. `issued` and
 * `expired_written` count what this hub did.
 */
export class CommandMetrics {
  readonly issued: Counter<'via'>;
  readonly finished: Counter<'status'>;
  readonly roundTrip: Histogram<'status'>;
  readonly expiredWritten: Counter;
  readonly invalidRecords: Counter<'topic'>;
  readonly tracked: Gauge;
  readonly pending: Gauge;

  constructor(registry: Registry, tracker: CommandTracker) {
    const registers = [registry];
    this.issued = new Counter({
      name: 'hub_commands_issued_total',
      help: 'Commands this hub issued, by channel (http, console)',
      labelNames: ['via'] as const,
      registers,
    });
    this.finished = new Counter({
      name: 'hub_commands_finished_total',
      help: 'Commands that reached a final status while this hub was running, by status',
      labelNames: ['status'] as const,
      registers,
    });
    this.roundTrip = new Histogram({
      name: 'hub_command_round_trip_seconds',
      help: 'Time from issuedAt to the final status, by status',
      labelNames: ['status'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400],
      registers,
    });
    this.expiredWritten = new Counter({
      name: 'hub_commands_expired_written_total',
      help: 'expired statuses this hub wrote',
      registers,
    });
    this.invalidRecords = new Counter({
      name: 'hub_command_records_invalid_total',
      help: 'Records on the commands topics that were not readable, by topic',
      labelNames: ['topic'] as const,
      registers,
    });
    this.tracked = new Gauge({
      name: 'hub_commands_tracked',
      help: 'Commands in the history window this hub holds',
      registers,
      collect() {
        this.set(tracker.size);
      },
    });
    this.pending = new Gauge({
      name: 'hub_commands_pending',
      help: 'Commands without a final status',
      registers,
      collect() {
        this.set(tracker.pendingCount);
      },
    });
  }

  /** Counts commands as they finish; attach after the history is read, so a restart does not count it again. */
  follow(tracker: CommandTracker): void {
    tracker.on('change', (change: StatusChange) => {
      if (!change.terminal) return;
      this.finished.inc({ status: change.entry.status });
      this.roundTrip.observe(
        { status: change.entry.status },
        Math.max(0, change.entry.at - change.command.issuedAt) / 1000,
      );
    });
  }
}
