import { describe, expect, it } from 'vitest';
import { NO_ALERT, nextAlert, type AlertState } from '../../../../../hub/maintenance/detector/alert-state.js';
import type { AlertPolicy } from '../../../../../hub/maintenance/detector/profiles.js';

const POLICY: AlertPolicy = {
  warningHealth: 0.85,
  criticalHealth: 0.5,
  criticalRulHours: 8,
  clearHealth: 0.93,
};

function run(healths: readonly number[], confirmed = true, rulHours: number | null = null): string[] {
  let state: AlertState = NO_ALERT;
  const changes: string[] = [];
  healths.forEach((health, i) => {
    const next = nextAlert(state, { atMs: i, health, rulHours, changeConfirmed: confirmed }, POLICY);
    state = next.state;
    if (next.change) changes.push(`${next.change.type}:${next.change.severity}`);
  });
  return changes;
}

describe('alert hysteresis', () => {
  it('opens a warning below the warning level only when a change is confirmed', () => {
    expect(run([1, 0.9, 0.84], false)).toEqual([]);
    expect(run([1, 0.9, 0.84])).toEqual(['opened:warning']);
  });

  it('does not flap while health hovers around the warning level', () => {
    expect(run([0.84, 0.86, 0.84, 0.9, 0.84, 0.92, 0.85])).toEqual(['opened:warning']);
  });

  it('escalates once to critical, by health or by remaining life, and never back to warning', () => {
    expect(run([0.8, 0.6, 0.49, 0.7, 0.45, 0.8])).toEqual(['opened:warning', 'escalated:critical']);
    expect(run([0.8, 0.8], true, 5)).toEqual(['opened:critical']);
  });

  it('clears above the clear level once the change detector has let go, and can open again', () => {
    let state: AlertState = NO_ALERT;
    const step = (health: number, changeConfirmed: boolean): string | undefined => {
      const next = nextAlert(state, { atMs: 0, health, rulHours: null, changeConfirmed }, POLICY);
      state = next.state;
      return next.change?.type;
    };
    expect(step(0.8, true)).toBe('opened');
    expect(step(0.95, true)).toBeUndefined();
    expect(step(0.95, false)).toBe('cleared');
    expect(step(0.8, true)).toBe('opened');
  });
});
