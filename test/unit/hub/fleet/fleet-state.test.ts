import { describe, expect, it } from 'vitest';
import type { AlertRecord, DeviceRegistryRecord, PresenceRecord } from '../../../../contracts/index.js';
import { FleetState } from '../../../../hub/fleet/fleet-state.js';

const registered = (deviceId: string, attributes: Record<string, unknown> = {}): DeviceRegistryRecord => ({
  deviceId,
  secretHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==',
  createdAt: 1,
  attributes,
});
const presence = (deviceId: string, status: PresenceRecord['status'], gatewayId: string, at: number) => ({
  deviceId,
  status,
  gatewayId,
  at,
});
const alert = (severity: AlertRecord['severity'], at: number, kind = 'degradation'): AlertRecord => ({
  deviceId: 'p-1',
  at,
  kind,
  severity,
  score: 0.3,
  message: `${severity} at ${at}`,
});

describe('FleetState', () => {
  it('lists registered devices with their machine type, and removes a deleted one', () => {
    const fleet = new FleetState();
    fleet.registry('p-1', registered('p-1', { machineType: 'pump' }));
    fleet.registry('m-1', registered('m-1', { machineType: { nested: true } }));
    expect(fleet.snapshot()).toEqual([
      { deviceId: 'm-1', registered: true, online: false, alerts: [] },
      { deviceId: 'p-1', registered: true, machineType: 'pump', online: false, alerts: [] },
    ]);
    fleet.takeChanges(1);
    fleet.registry('m-1', null);
    expect(fleet.takeChanges(2)).toEqual({
      type: 'fleetChanges',
      at: 2,
      devices: [],
      removed: ['m-1'],
      seen: {},
    });
    expect(fleet.has('m-1')).toBe(false);
  });

  it('follows presence; a disconnect counts only from the gateway the device is on', () => {
    const fleet = new FleetState();
    fleet.registry('p-1', registered('p-1'));
    fleet.presence(presence('p-1', 'connected', 'gw-a', 10));
    fleet.presence(presence('p-1', 'connected', 'gw-b', 20));
    // gw-a's connection was stale: its late disconnect says nothing about gw-b's.
    fleet.presence(presence('p-1', 'disconnected', 'gw-a', 25));
    expect(fleet.state('p-1')).toMatchObject({ online: true, gatewayId: 'gw-b', presenceAt: 20 });
    fleet.presence(presence('p-1', 'disconnected', 'gw-b', 30));
    expect(fleet.state('p-1')).toMatchObject({ online: false, gatewayId: 'gw-b', presenceAt: 30 });
    expect(fleet.onlineCount).toBe(0);
  });

  it('records last seen and the latest reading; lastSeen changes travel apart from whole rows', () => {
    const fleet = new FleetState();
    fleet.registry('p-1', registered('p-1'));
    fleet.takeChanges(0);
    const sample = fleet.telemetry({ deviceId: 'p-1', ts: 100, receivedAt: 1000, metrics: { t: 1 } });
    expect(sample).toEqual({ deviceId: 'p-1', ts: 100, metrics: { t: 1 } });
    fleet.telemetry({ deviceId: 'p-1', ts: 90, receivedAt: 1001, metrics: { t: 0 } });
    expect(fleet.latest('p-1')).toEqual(sample);
    expect(fleet.takeChanges(5)).toEqual({
      type: 'fleetChanges',
      at: 5,
      devices: [],
      removed: [],
      seen: { 'p-1': 1001 },
    });
    expect(fleet.takeChanges(6)).toBeUndefined();
  });

  it('shows devices outside the registry up to a cap, counting what it ignores', () => {
    const fleet = new FleetState({ maxUnregistered: 1, maxAlertKinds: 4, recentAlerts: 2 });
    fleet.telemetry({ deviceId: 'free-1', ts: 1, receivedAt: 1, metrics: { t: 1 } });
    fleet.presence(presence('free-2', 'connected', 'gw', 1));
    expect(fleet.snapshot().map((d) => [d.deviceId, d.registered])).toEqual([['free-1', false]]);
    expect(fleet.ignored).toBe(1);
    // Provisioning it later makes it a registry device, which frees its place under the cap.
    fleet.registry('free-1', registered('free-1'));
    fleet.presence(presence('free-2', 'connected', 'gw', 2));
    expect(fleet.size).toBe(2);
  });

  it('keeps an alert open until a record of the same kind with severity info clears it', () => {
    const fleet = new FleetState();
    fleet.registry('p-1', registered('p-1'));
    fleet.alert(alert('warning', 10));
    fleet.alert(alert('critical', 20));
    fleet.alert(alert('warning', 15, 'other'));
    expect(fleet.state('p-1')?.alerts).toEqual([
      { kind: 'degradation', severity: 'critical', at: 20, message: 'critical at 20' },
      { kind: 'other', severity: 'warning', at: 15, message: 'warning at 15' },
    ]);
    fleet.alert(alert('info', 30));
    // A replayed record older than the clear does not reopen the alert.
    fleet.alert(alert('critical', 20));
    expect(fleet.state('p-1')?.alerts.map((a) => a.kind)).toEqual(['other']);
    expect(fleet.recentAlerts().map((a) => a.at)).toEqual([10, 20, 15, 30, 20]);
  });

  it('marks a device changed when its health moves by what the table shows', () => {
    const fleet = new FleetState();
    fleet.registry('p-1', registered('p-1'));
    fleet.takeChanges(0);
    fleet.health([
      { deviceId: 'p-1', health: 0.9, rulHours: 12, at: 5 },
      { deviceId: 'gone', health: 0.1, at: 5 },
    ]);
    expect(fleet.takeChanges(1)?.devices).toEqual([
      {
        deviceId: 'p-1',
        registered: true,
        online: false,
        health: 0.9,
        rulHours: 12,
        healthAt: 5,
        alerts: [],
      },
    ]);
    fleet.health([{ deviceId: 'p-1', health: 0.90001, rulHours: 12.01, at: 6 }]);
    expect(fleet.takeChanges(2)).toBeUndefined();
    fleet.health([{ deviceId: 'p-1', health: 0.5, at: 4 }]);
    expect(fleet.takeChanges(3)).toBeUndefined();
    fleet.health([{ deviceId: 'p-1', health: 0.5, at: 7 }]);
    expect(fleet.state('p-1')).toMatchObject({ health: 0.5, healthAt: 7 });
    expect(fleet.state('p-1')).not.toHaveProperty('rulHours');
  });
});
