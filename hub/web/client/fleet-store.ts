import type { DeviceState, FleetChangesMessage } from '../../../contracts/console-protocol.js';

/** Which devices changed; `all` after a snapshot replaced everything. */
export type FleetUpdate = ReadonlySet<string> | 'all';

/** The fleet as the page knows it: the last snapshot with every change applied since. */
export class FleetStore {
  readonly devices = new Map<string, DeviceState>();
  private readonly listeners: ((update: FleetUpdate) => void)[] = [];

  subscribe(listener: (update: FleetUpdate) => void): void {
    this.listeners.push(listener);
  }

  reset(devices: readonly DeviceState[]): void {
    this.devices.clear();
    for (const device of devices) this.devices.set(device.deviceId, device);
    this.notify('all');
  }

  apply(changes: FleetChangesMessage): void {
    const changed = new Set<string>();
    for (const id of changes.removed) if (this.devices.delete(id)) changed.add(id);
    for (const device of changes.devices) {
      this.devices.set(device.deviceId, device);
      changed.add(device.deviceId);
    }
    for (const [id, lastSeen] of Object.entries(changes.seen)) {
      const device = this.devices.get(id);
      if (device === undefined || (device.lastSeen ?? 0) >= lastSeen) continue;
      this.devices.set(id, { ...device, lastSeen });
      changed.add(id);
    }
    if (changed.size > 0) this.notify(changed);
  }

  counts(): { devices: number; online: number; alerting: number; unhealthy: number } {
    let online = 0;
    let alerting = 0;
    let unhealthy = 0;
    for (const d of this.devices.values()) {
      if (d.online) online++;
      if (d.alerts.length > 0) alerting++;
      if (d.health !== undefined && d.health < 0.85) unhealthy++;
    }
    return { devices: this.devices.size, online, alerting, unhealthy };
  }

  private notify(update: FleetUpdate): void {
    for (const listener of this.listeners) listener(update);
  }
}
