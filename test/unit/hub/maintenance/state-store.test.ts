import { describe, expect, it } from 'vitest';
import {
  DEVICE_STATE_VERSION,
  deviceStateCreate,
} from '../../../../hub/maintenance/detector/device-state.js';
import { decodeState, encodeState, statePoint } from '../../../../hub/maintenance/state-store.js';

describe('device state snapshots', () => {
  it('round-trip through JSON, numbers shortened to seven significant digits', () => {
    const state = deviceStateCreate('m-1', 'motor', 1_700_000_000_000);
    state.health = 0.123456789;
    const decoded = decodeState(encodeState(state), 'm-1');
    expect(decoded).toEqual({ ...state, health: 0.1234568 });
  });

  it('refuse another version, another device or garbage: those devices start afresh', () => {
    const state = deviceStateCreate('m-1', 'motor', 0);
    expect(decodeState(JSON.stringify({ ...state, version: DEVICE_STATE_VERSION + 1 }), 'm-1')).toBeNull();
    expect(decodeState(encodeState(state), 'm-2')).toBeNull();
    expect(decodeState('{', 'm-1')).toBeNull();
  });

  it('live at time 0, so each save rewrites the one point of its device', () => {
    expect(statePoint(deviceStateCreate('m-1', 'motor', 5))).toMatchObject({
      measurement: 'maintenance_state',
      tags: { device: 'm-1' },
      timestamp: 0,
    });
  });
});
