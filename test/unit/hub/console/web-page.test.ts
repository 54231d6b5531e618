import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../../../contracts/index.js';
import { acceptsGzip } from '../../../../hub/web/accept-encoding.js';
import { reconnectDelayMs } from '../../../../hub/web/client/backoff.js';
import { FleetStore } from '../../../../hub/web/client/fleet-store.js';
import { compareDevices, matches, type Filters } from '../../../../hub/web/client/fleet-order.js';
import { ago, healthLevel, hours, metricLabel } from '../../../../hub/web/client/format.js';

// The console page's logic that needs no browser; the page itself is tested in a real one.

const device = (deviceId: string, fields: Partial<DeviceState> = {}): DeviceState => ({
  deviceId,
  registered: true,
  online: false,
  alerts: [],
  ...fields,
});

describe('the console page', () => {
  it('keeps the fleet as the hub sends it: snapshot, then changes', () => {
    const store = new FleetStore();
    const updates: unknown[] = [];
    store.subscribe((u) => updates.push(u === 'all' ? u : [...u]));
    store.reset([device('a'), device('b', { lastSeen: 10 })]);
    store.apply({
      type: 'fleetChanges',
      at: 1,
      devices: [device('c', { online: true })],
      removed: ['a'],
      seen: { b: 20, c: 5, gone: 1 },
    });
    expect([...store.devices.keys()]).toEqual(['b', 'c']);
    expect(store.devices.get('b')?.lastSeen).toBe(20);
    expect(store.devices.get('c')?.lastSeen).toBe(5);
    expect(updates).toEqual(['all', ['a', 'c', 'b']]);
    expect(store.counts()).toEqual({ devices: 2, online: 1, alerting: 0, unhealthy: 0 });
  });

  it('sorts with unknown values last and filters by presence, health and alerts', () => {
    const healthy = device('h', { health: 0.95, online: true });
    const weak = device('w', { health: 0.6 });
    const failing = device('f', {
      health: 0.2,
      alerts: [{ kind: 'k', severity: 'critical', at: 1, message: 'm' }],
    });
    const unknown = device('u');
    const sorted = (descending: boolean) =>
      [unknown, healthy, failing, weak]
        .sort((a, b) => compareDevices(a, b, 'health', descending))
        .map((d) => d.deviceId);
    expect(sorted(false)).toEqual(['f', 'w', 'h', 'u']);
    expect(sorted(true)).toEqual(['h', 'w', 'f', 'u']);
    const none: Filters = { text: '', status: '', health: '', alertsOnly: false };
    const pick = (f: Partial<Filters>) =>
      [healthy, weak, failing, unknown].filter((d) => matches(d, { ...none, ...f })).map((d) => d.deviceId);
    expect(pick({ health: 'warn' })).toEqual(['w', 'f']);
    expect(pick({ health: 'crit' })).toEqual(['f']);
    expect(pick({ health: 'unknown' })).toEqual(['u']);
    expect(pick({ status: 'online' })).toEqual(['h']);
    expect(pick({ alertsOnly: true })).toEqual(['f']);
    expect(pick({ text: ' W ' })).toEqual(['w']);
  });

  it('formats what the table shows', () => {
    expect([healthLevel(0.9), healthLevel(0.6), healthLevel(0.1), healthLevel(undefined)]).toEqual([
      'ok',
      'warn',
      'crit',
      'unknown',
    ]);
    expect([hours(3.14), hours(42.4), hours(12_345), hours(undefined)]).toEqual([
      '3.1 h',
      '42 h',
      '12,345 h',
      '—',
    ]);
    expect([ago(1000, 1500), ago(0, 30_000), ago(0, 600_000), ago(undefined, 0)]).toEqual([
      'just now',
      '30 s ago',
      '10 min ago',
      'never',
    ]);
    expect(metricLabel('vibration_rms_mm_s')).toBe('Vibration rms (mm/s)');
    expect(metricLabel('load')).toBe('Load');
  });

  it('reconnects with growing, capped, jittered delays', () => {
    expect([0, 1, 2, 10, 50].map((n) => reconnectDelayMs(n, () => 0.5))).toEqual([
      500, 1000, 2000, 15_000, 15_000,
    ]);
    expect(reconnectDelayMs(0, () => 0)).toBe(400);
    expect(reconnectDelayMs(0, () => 1)).toBe(600);
  });

  it('serves gzip to clients that accept it', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true);
    expect(acceptsGzip('br;q=1, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*;q=0, identity')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
