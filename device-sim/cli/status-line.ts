import type { FleetStats } from '../runtime/stats.js';

/** One line of progress; `perSecond` is telemetry messages per second since the previous line. */
export function formatStatus(s: FleetStats, perSecond: number): string {
  return [
    `connected ${s.connected}/${s.devices}`,
    `${compact(perSecond)} msg/s`,
    `sent ${compact(s.sent)}`,
    `acked ${compact(s.acknowledged)}`,
    `in flight ${s.inFlight}`,
    `commands ${s.commands}`,
    `failures ${s.failures}`,
    `errors ${s.errors}`,
    `reconnects ${s.reconnects}`,
    `sim ${new Date(s.simTimeMs).toISOString().slice(0, 16).replace('T', ' ')}`,
  ].join(' | ');
}

function compact(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}
