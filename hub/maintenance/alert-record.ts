import { METRIC_NAME_PATTERN, type AlertRecord } from '../../contracts/index.js';
import type { Assessment } from './detector/device-state.js';

export const DEGRADATION_ALERT = 'degradation';

function describe(a: Assessment): string {
  const parts = [`health ${(a.health * 100).toFixed(0)}%`];
  if (a.driver !== null) parts.push(`driven by ${a.driver}`);
  if (a.rulHours !== null) parts.push(`about ${a.rulHours.toFixed(1)} h of useful life left`);
  return parts.join(', ');
}

/**
 * The alert record for an assessment that opened, escalated or cleared the device's alert;
 * null when the alert did not change. A clear is reported with severity `info`. Its `at` is the
 * device time of the reading that caused it, so a replayed decision yields the same record.
 */
export function alertRecordOf(a: Assessment): AlertRecord | null {
  const change = a.change;
  if (change === null) return null;
  const metric = a.driver !== null && METRIC_NAME_PATTERN.test(a.driver) ? a.driver : undefined;
  const base = {
    deviceId: a.deviceId,
    at: a.atMs,
    kind: DEGRADATION_ALERT,
    score: Number((1 - a.health).toFixed(4)),
    ...(metric === undefined ? {} : { metric }),
    ...(a.rulHours === null ? {} : { rulHours: Number(a.rulHours.toFixed(2)) }),
  };
  switch (change.type) {
    case 'opened':
      return { ...base, severity: change.severity, message: `${a.machineType} degrading: ${describe(a)}` };
    case 'escalated':
      return { ...base, severity: 'critical', message: `${a.machineType} failing soon: ${describe(a)}` };
    case 'cleared':
      return { ...base, severity: 'info', message: `${change.severity} cleared: ${describe(a)}` };
  }
}
