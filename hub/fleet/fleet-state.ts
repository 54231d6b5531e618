import type {
  AlertRecord,
  DeviceRegistryRecord,
  DeviceState,
  FleetChangesMessage,
  PresenceRecord,
  TelemetryRecord,
  TelemetrySample,
} from '../../contracts/index.js';
import { applyAlert, openAlerts, type AlertSlot } from './alerts.js';
import { nextPresence, type Presence } from './presence.js';

/** A device's latest point of the maintenance model. */
export interface HealthPoint {
  deviceId: string;
  health: number;
  rulHours?: number;
  /** Device time. */
  at: number;
}

export interface FleetLimits {
  /** Devices outside the registry (DEVICE_AUTH=none) tracked at most; more are ignored and counted. */
  maxUnregistered: number;
  /** Alert kinds kept per device. */
  maxAlertKinds: number;
  /** Alert records kept for the feed of a console that connects. */
  recentAlerts: number;
}

export const DEFAULT_FLEET_LIMITS: FleetLimits = {
  maxUnregistered: 100_000,
  maxAlertKinds: 16,
  recentAlerts: 50,
};

interface Entry {
  deviceId: string;
  registered: boolean;
  machineType?: string;
  presence?: Presence;
  lastSeen?: number;
  latest?: TelemetrySample;
  health?: HealthPoint;
  alerts: Map<string, AlertSlot>;
}

const MAX_MACHINE_TYPE_CHARS = 32;

function machineTypeOf(record: DeviceRegistryRecord): string | undefined {
  const value = record.attributes.machineType;
  return typeof value === 'string' && value.length <= MAX_MACHINE_TYPE_CHARS ? value : undefined;
}

// The table shows health as a percentage and RUL to a tenth of an hour: smaller moves are not changes.
const sameHealth = (a: HealthPoint | undefined, b: HealthPoint): boolean =>
  a !== undefined &&
  Math.round(a.health * 1000) === Math.round(b.health * 1000) &&
  Math.round((a.rulHours ?? -1) * 10) === Math.round((b.rulHours ?? -1) * 10);

/**
 * The fleet as one hub sees it, from the registry, presence, telemetry, alerts and health. Pure:
 * the Kafka and InfluxDB adapters feed it, and it collects what changed for the consoles. Memory
 * is one entry per device with its latest reading; no history is kept here.
 */
export class FleetState {
  private readonly devices = new Map<string, Entry>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  private readonly seen = new Map<string, number>();
  private readonly recent: AlertRecord[] = [];
  private unregistered = 0;
  /** Records about devices beyond `maxUnregistered`, ignored. */
  ignored = 0;

  constructor(private readonly limits: FleetLimits = DEFAULT_FLEET_LIMITS) {}

  get size(): number {
    return this.devices.size;
  }

  get onlineCount(): number {
    let n = 0;
    for (const entry of this.devices.values()) if (entry.presence?.online === true) n++;
    return n;
  }

  has(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  registry(deviceId: string, record: DeviceRegistryRecord | null): void {
    const entry = this.devices.get(deviceId);
    if (record === null) {
      if (entry === undefined) return;
      if (!entry.registered) this.unregistered--;
      this.devices.delete(deviceId);
      this.seen.delete(deviceId);
      this.removed.add(deviceId);
      return;
    }
    const machineType = machineTypeOf(record);
    if (entry === undefined) {
      this.devices.set(deviceId, {
        deviceId,
        registered: true,
        ...(machineType === undefined ? {} : { machineType }),
        alerts: new Map(),
      });
    } else {
      if (!entry.registered) this.unregistered--;
      entry.registered = true;
      if (machineType === undefined) delete entry.machineType;
      else entry.machineType = machineType;
    }
    this.dirty.add(deviceId);
  }

  presence(record: PresenceRecord): void {
    const entry = this.entryFor(record.deviceId);
    if (entry === undefined) return;
    const next = nextPresence(entry.presence, record);
    if (next === undefined) return;
    entry.presence = next;
    this.dirty.add(record.deviceId);
  }

  /** Records the reading; returns it as a console sample, or undefined when the device is ignored. */
  telemetry(record: TelemetryRecord): TelemetrySample | undefined {
    const entry = this.entryFor(record.deviceId);
    if (entry === undefined) return undefined;
    const sample: TelemetrySample = { deviceId: record.deviceId, ts: record.ts, metrics: record.metrics };
    if (entry.latest === undefined || sample.ts >= entry.latest.ts) entry.latest = sample;
    if (entry.lastSeen === undefined || record.receivedAt > entry.lastSeen) {
      entry.lastSeen = record.receivedAt;
      this.seen.set(record.deviceId, record.receivedAt);
    }
    return sample;
  }

  alert(record: AlertRecord): void {
    this.recent.push(record);
    if (this.recent.length > this.limits.recentAlerts) this.recent.shift();
    const entry = this.entryFor(record.deviceId);
    if (entry === undefined) return;
    if (applyAlert(entry.alerts, record, this.limits.maxAlertKinds)) this.dirty.add(record.deviceId);
  }

  /** Latest health per device; devices this view does not know are skipped (InfluxDB outlives the registry). */
  health(points: readonly HealthPoint[]): void {
    for (const point of points) {
      const entry = this.devices.get(point.deviceId);
      if (entry === undefined || sameHealth(entry.health, point)) continue;
      if (entry.health !== undefined && point.at < entry.health.at) continue;
      entry.health = point;
      this.dirty.add(point.deviceId);
    }
  }

  latest(deviceId: string): TelemetrySample | undefined {
    return this.devices.get(deviceId)?.latest;
  }

  /** Device time of the device's latest reading. */
  latestTs(deviceId: string): number | undefined {
    return this.devices.get(deviceId)?.latest?.ts;
  }

  recentAlerts(): AlertRecord[] {
    return [...this.recent];
  }

  snapshot(): DeviceState[] {
    return [...this.devices.values()]
      .sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0))
      .map(stateOf);
  }

  state(deviceId: string): DeviceState | undefined {
    const entry = this.devices.get(deviceId);
    return entry && stateOf(entry);
  }

  /** What changed since the last call, or undefined when nothing did. */
  takeChanges(at: number): FleetChangesMessage | undefined {
    if (this.dirty.size === 0 && this.removed.size === 0 && this.seen.size === 0) return undefined;
    const devices: DeviceState[] = [];
    for (const id of this.dirty) {
      const entry = this.devices.get(id);
      if (entry !== undefined) devices.push(stateOf(entry));
    }
    const removed = [...this.removed].filter((id) => !this.devices.has(id));
    const seen: Record<string, number> = {};
    for (const [id, time] of this.seen) if (!this.dirty.has(id)) seen[id] = time;
    this.dirty.clear();
    this.removed.clear();
    this.seen.clear();
    return { type: 'fleetChanges', at, devices, removed, seen };
  }

  private entryFor(deviceId: string): Entry | undefined {
    const existing = this.devices.get(deviceId);
    if (existing !== undefined) return existing;
    if (this.unregistered >= this.limits.maxUnregistered) {
      this.ignored++;
      return undefined;
    }
    const entry: Entry = { deviceId, registered: false, alerts: new Map() };
    this.devices.set(deviceId, entry);
    this.unregistered++;
    this.removed.delete(deviceId);
    this.dirty.add(deviceId);
    return entry;
  }
}

function stateOf(entry: Entry): DeviceState {
  const state: DeviceState = {
    deviceId: entry.deviceId,
    registered: entry.registered,
    online: entry.presence?.online ?? false,
    alerts: openAlerts(entry.alerts),
  };
  if (entry.machineType !== undefined) state.machineType = entry.machineType;
  if (entry.presence !== undefined) {
    state.gatewayId = entry.presence.gatewayId;
    state.presenceAt = entry.presence.at;
  }
  if (entry.lastSeen !== undefined) state.lastSeen = entry.lastSeen;
  if (entry.health !== undefined) {
    state.health = entry.health.health;
    state.healthAt = entry.health.at;
    if (entry.health.rulHours !== undefined) state.rulHours = entry.health.rulHours;
  }
  return state;
}
