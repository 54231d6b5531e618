import type { CommandResultStatus } from '../../contracts/index.js';
import { LatencyHistogram, type LatencyPercentiles } from './latency-histogram.js';

export interface FleetStats {
  devices: number;
  /** Devices whose first connection attempt has begun (they are ramped in). */
  started: number;
  connected: number;
  /** Devices that have connected at least once. */
  connectedOnce: number;
  /** Telemetry messages published (one reading each). */
  sent: number;
  /** Event messages published (failures). */
  events: number;
  /** Command results published. */
  results: number;
  /** QoS 1 publishes the broker acknowledged. */
  acknowledged: number;
  /** QoS 1 publishes still waiting for their acknowledgement. */
  inFlight: number;
  errors: number;
  errorsByKind: Record<string, number>;
  /** Connections re-established after a drop or a reboot. */
  reconnects: number;
  /** Commands answered (duplicates are not answered again). */
  commands: number;
  commandResults: Record<CommandResultStatus, number>;
  duplicateCommands: number;
  failures: number;
  /** Readings not taken: device offline, too many unacknowledged, or the tick fell behind. */
  skipped: { offline: number; backpressure: number; late: number };
  /** Simulated epoch ms now. */
  simTimeMs: number;
}

export interface Summary extends FleetStats {
  qos: 0 | 1;
  durationMs: number;
  /** Publish call to PUBACK, QoS 1 only. */
  ackLatencyMs: LatencyPercentiles;
}

/** Counters shared by every device of a fleet; one event loop, so plain fields suffice. */
export class StatsCollector {
  readonly latency = new LatencyHistogram();
  started = 0;
  connected = 0;
  connectedOnce = 0;
  sent = 0;
  events = 0;
  results = 0;
  acknowledged = 0;
  inFlight = 0;
  reconnects = 0;
  commands = 0;
  duplicateCommands = 0;
  failures = 0;
  readonly commandResults: Record<CommandResultStatus, number> = { succeeded: 0, failed: 0, rejected: 0 };
  readonly skipped = { offline: 0, backpressure: 0, late: 0 };
  private readonly errorKinds = new Map<string, number>();
  private errorTotal = 0;

  constructor(readonly devices: number) {}

  /** Counts an error; returns true the first time this kind is seen, so callers can report it once. */
  error(kind: string): boolean {
    const n = (this.errorKinds.get(kind) ?? 0) + 1;
    this.errorKinds.set(kind, n);
    this.errorTotal++;
    return n === 1;
  }

  snapshot(simTimeMs: number): FleetStats {
    return {
      devices: this.devices,
      started: this.started,
      connected: this.connected,
      connectedOnce: this.connectedOnce,
      sent: this.sent,
      events: this.events,
      results: this.results,
      acknowledged: this.acknowledged,
      inFlight: this.inFlight,
      errors: this.errorTotal,
      errorsByKind: Object.fromEntries([...this.errorKinds].sort(([a], [b]) => a.localeCompare(b))),
      reconnects: this.reconnects,
      commands: this.commands,
      commandResults: { ...this.commandResults },
      duplicateCommands: this.duplicateCommands,
      failures: this.failures,
      skipped: { ...this.skipped },
      simTimeMs,
    };
  }
}
