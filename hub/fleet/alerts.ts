import type { AlertRecord, OpenAlert } from '../../contracts/index.js';

/** The latest record of one alert kind on one device; `open` is null once a record of severity info cleared it. */
export interface AlertSlot {
  lastAt: number;
  open: OpenAlert | null;
}

/**
 * Applies an alert record to a device's slots (one per kind); true when what is open changed.
 * The maintenance consumer writes at least once, so a replayed record older than the latest of its
 * kind is ignored rather than reopening or closing the alert again. At most `maxKinds` kinds are
 * kept per device; records of further kinds are ignored.
 */
export function applyAlert(slots: Map<string, AlertSlot>, record: AlertRecord, maxKinds: number): boolean {
  const slot = slots.get(record.kind);
  if (slot !== undefined && record.at < slot.lastAt) return false;
  if (slot === undefined && slots.size >= maxKinds) return false;
  const open: OpenAlert | null =
    record.severity === 'info'
      ? null
      : {
          kind: record.kind,
          severity: record.severity,
          at: record.at,
          message: record.message,
          ...(record.metric === undefined ? {} : { metric: record.metric }),
          ...(record.rulHours === undefined ? {} : { rulHours: record.rulHours }),
        };
  slots.set(record.kind, { lastAt: record.at, open });
  return !sameAlert(slot?.open ?? null, open);
}

function sameAlert(a: OpenAlert | null, b: OpenAlert | null): boolean {
  if (a === null || b === null) return a === b;
  return a.severity === b.severity && a.at === b.at && a.message === b.message;
}

const SEVERITY_ORDER = { critical: 0, warning: 1 } as const;

/** Open alerts, the most severe first, then the newest. */
export function openAlerts(slots: ReadonlyMap<string, AlertSlot>): OpenAlert[] {
  const open: OpenAlert[] = [];
  for (const slot of slots.values()) if (slot.open !== null) open.push(slot.open);
  return open.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || b.at - a.at);
}
