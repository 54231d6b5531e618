// How the fleet table orders and filters devices; no DOM, so it is unit tested.
import type { DeviceState } from '../../../contracts/console-protocol.js';
import { healthLevel } from './format.js';

export type SortKey =
  'deviceId' | 'machineType' | 'online' | 'gatewayId' | 'lastSeen' | 'health' | 'rulHours' | 'alerts';

export interface Filters {
  text: string;
  status: '' | 'online' | 'offline';
  health: '' | 'warn' | 'crit' | 'unknown';
  alertsOnly: boolean;
}

const SEVERITY_RANK = { critical: 2, warning: 1 } as const;

function alertRank(d: DeviceState): number {
  return d.alerts.reduce((rank, a) => Math.max(rank, SEVERITY_RANK[a.severity] * 100 + d.alerts.length), 0);
}

function sortValue(d: DeviceState, key: SortKey): string | number | undefined {
  switch (key) {
    case 'online':
      return d.online ? 1 : 0;
    case 'alerts':
      return alertRank(d);
    default:
      return d[key];
  }
}

export function compareDevices(a: DeviceState, b: DeviceState, key: SortKey, descending: boolean): number {
  const x = sortValue(a, key);
  const y = sortValue(b, key);
  // Devices without a value go last whichever way the column is sorted.
  if (x === undefined || y === undefined) {
    if (x !== y) return x === undefined ? 1 : -1;
  } else if (x !== y) {
    const order = x < y ? -1 : 1;
    return descending ? -order : order;
  }
  return a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0;
}

export function matches(d: DeviceState, f: Filters): boolean {
  if (f.status === 'online' && !d.online) return false;
  if (f.status === 'offline' && d.online) return false;
  if (f.alertsOnly && d.alerts.length === 0) return false;
  if (f.health !== '') {
    const level = healthLevel(d.health);
    const wanted =
      f.health === 'unknown'
        ? level === 'unknown'
        : level === 'crit' || (f.health === 'warn' && level === 'warn');
    if (!wanted) return false;
  }
  const text = f.text.trim().toLowerCase();
  if (text === '') return true;
  return [d.deviceId, d.machineType ?? '', d.gatewayId ?? ''].some((v) => v.toLowerCase().includes(text));
}
