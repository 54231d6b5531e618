import type { TelemetryRecord } from '../../contracts/index.js';
import { deviceStateCreate, observe, type Assessment, type DeviceState } from './detector/device-state.js';
import { machineTypeOf } from './detector/machine-type.js';
import type { DetectorParams } from './detector/params.js';
import type { MachineProfiles } from './detector/profiles.js';

export type AttributesOf = (deviceId: string) => Readonly<Record<string, unknown>> | undefined;

/**
 * The detector state of the devices this process currently owns, and which of them changed
 * since they were last saved. Knows nothing of Kafka or InfluxDB.
 */
export class DevicePool {
  private readonly states = new Map<string, DeviceState>();
  /** Devices whose saved state has been looked up (and adopted if there was one). */
  private readonly looked = new Set<string>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly profiles: MachineProfiles,
    private readonly params: DetectorParams,
    private readonly attributesOf: AttributesOf = () => undefined,
  ) {}

  get size(): number {
    return this.states.size;
  }

  /** Which of these devices still need their saved state looked up. */
  unknown(deviceIds: Iterable<string>): string[] {
    return [...new Set(deviceIds)].filter((id) => !this.looked.has(id));
  }

  /** Takes over saved states; every id in `lookedUp` counts as looked up, found or not. */
  adopt(lookedUp: readonly string[], found: ReadonlyMap<string, DeviceState>): void {
    for (const id of lookedUp) {
      this.looked.add(id);
      const state = found.get(id);
      if (state !== undefined) this.states.set(id, state);
    }
  }

  observe(record: TelemetryRecord): Assessment | null {
    let state = this.states.get(record.deviceId);
    if (state === undefined) {
      const type = machineTypeOf(this.attributesOf(record.deviceId), record.metrics);
      if (type === null) return null;
      state = deviceStateCreate(record.deviceId, type, record.ts);
      this.states.set(record.deviceId, state);
    }
    const assessment = observe(
      state,
      record.ts,
      record.metrics,
      this.profiles[state.machineType],
      this.params,
    );
    if (assessment !== null) this.dirty.add(record.deviceId);
    return assessment;
  }

  state(deviceId: string): DeviceState | undefined {
    return this.states.get(deviceId);
  }

  /** Forgets devices, for example when their partition moved to another process. */
  evict(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) {
      this.states.delete(id);
      this.looked.delete(id);
      this.dirty.delete(id);
    }
  }

  deviceIds(): string[] {
    return [...this.states.keys()];
  }

  /** States changed since the last call, to be saved. */
  takeDirty(): DeviceState[] {
    const out: DeviceState[] = [];
    for (const id of this.dirty) {
      const state = this.states.get(id);
      if (state !== undefined) out.push(state);
    }
    this.dirty.clear();
    return out;
  }

  /** Puts states back on the dirty list after a failed save. */
  markDirty(deviceIds: Iterable<string>): void {
    for (const id of deviceIds) if (this.states.has(id)) this.dirty.add(id);
  }
}
