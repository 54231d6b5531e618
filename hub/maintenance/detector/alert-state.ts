import type { AlertPolicy } from './profiles.js';

export type OpenSeverity = 'warning' | 'critical';

/** The one degradation alert a device may have open. */
export interface AlertState {
  severity: OpenSeverity | null;
  openedAtMs: number | null;
  /** The metric that drove the alert when it opened. Absent in snapshots of 2026-11. */
  metric?: string | null;
}

export const NO_ALERT: AlertState = { severity: null, openedAtMs: null };

export interface AlertInput {
  atMs: number;
  health: number;
  rulHours: number | null;
  /** A change detector confirms the driving metric moved; health alone may be noise. */
  changeConfirmed: boolean;
}

export type AlertChange =
  | { type: 'opened'; severity: OpenSeverity }
  | { type: 'escalated'; severity: 'critical' }
  | { type: 'cleared'; severity: OpenSeverity };

/**
 * Hysteresis: an alert opens below `warningHealth` (with a confirmed change), escalates once to
 * critical, and clears only above `clearHealth`. Between the two thresholds nothing changes, so
 * a device hovering at the boundary does not flap. Pure.
 */
export function nextAlert(
  state: AlertState,
  input: AlertInput,
  policy: AlertPolicy,
): { state: AlertState; change: AlertChange | null } {
  const critical =
    input.health <= policy.criticalHealth ||
    (input.rulHours !== null && input.rulHours <= policy.criticalRulHours);
  if (state.severity === null) {
    if (!input.changeConfirmed || input.health > policy.warningHealth) return { state, change: null };
    const severity: OpenSeverity = critical ? 'critical' : 'warning';
    return { state: { severity, openedAtMs: input.atMs }, change: { type: 'opened', severity } };
  }
  if (input.health >= policy.clearHealth && !input.changeConfirmed) {
    return { state: NO_ALERT, change: { type: 'cleared', severity: state.severity } };
  }
  if (state.severity === 'warning' && critical) {
    return { state: { ...state, severity: 'critical' }, change: { type: 'escalated', severity: 'critical' } };
  }
  return { state, change: null };
}
