import type { InfluxDB, IPoint } from 'influx';
import { MEASUREMENTS } from '../../contracts/index.js';
import { STATE_RETENTION_POLICY } from '../influx/measurements.js';
import type { PointWriter, WriteOutcome } from '../influx/writer.js';
import { DEVICE_STATE_VERSION, type DeviceState } from './detector/device-state.js';

/** Where device state survives restarts and moves between hub processes. */
export interface StateStore {
  /** The saved states of these devices that this version of the detector can read. */
  load(deviceIds: readonly string[]): Promise<Map<string, DeviceState>>;
  save(states: readonly DeviceState[]): Promise<WriteOutcome>;
}

// Seven significant digits keep a snapshot compact (InfluxDB caps a string field at 64 KiB)
// and lose nothing the detector can tell apart from noise.
function compact(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(7)) : value;
}

export function encodeState(state: DeviceState): string {
  return JSON.stringify(state, compact);
}

/** Null for a snapshot of another detector version or one that does not parse. */
export function decodeState(text: string, deviceId: string): DeviceState | null {
  try {
    const parsed = JSON.parse(text) as Partial<DeviceState> | null;
    if (parsed?.version !== DEVICE_STATE_VERSION || parsed.deviceId !== deviceId) return null;
    return parsed as DeviceState;
  } catch {
    return null;
  }
}

/** The point that holds a device's state: one per device, always at time 0, so it is rewritten in place. */
export function statePoint(state: DeviceState): IPoint {
  return {
    measurement: MEASUREMENTS.deviceState,
    tags: { device: state.deviceId },
    fields: { state: encodeState(state) },
    timestamp: 0,
  };
}

const IDS_PER_QUERY = 100;

/** Device state in InfluxDB, in its own infinite retention policy. */
export class InfluxStateStore implements StateStore {
  constructor(
    private readonly influx: InfluxDB,
    private readonly database: string,
    /** A writer to STATE_RETENTION_POLICY. */
    private readonly writer: PointWriter,
  ) {}

  async load(deviceIds: readonly string[]): Promise<Map<string, DeviceState>> {
    const found = new Map<string, DeviceState>();
    for (let i = 0; i < deviceIds.length; i += IDS_PER_QUERY) {
      // Device ids are [A-Za-z0-9_.-] (contracts), so they need no escaping inside quotes.
      const where = deviceIds
        .slice(i, i + IDS_PER_QUERY)
        .map((id) => `"device" = '${id}'`)
        .join(' OR ');
      const rows = await this.influx.query<{ device: string; state: string }>(
        `SELECT "state", "device" FROM "${STATE_RETENTION_POLICY}"."${MEASUREMENTS.deviceState}" WHERE ${where}`,
        { database: this.database, precision: 'ms' },
      );
      for (const row of rows) {
        const state = decodeState(row.state, row.device);
        if (state !== null) found.set(row.device, state);
      }
    }
    return found;
  }

  save(states: readonly DeviceState[]): Promise<WriteOutcome> {
    return this.writer.write(states.map(statePoint));
  }
}
