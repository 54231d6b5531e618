import { ALWAYS_RUNNING, type RunClock } from './degradation.js';
import { DAY_MS, HOUR_MS, lerp, localDay, localHour, localMs, unitHash, weekday } from './local-time.js';
import type { DeviceSpec, DutySpec, SiteClimate } from './types.js';

/**
 * A duty cycle switches only at the start of these cells. Running time is then a sum of whole
 * integer spans, so the failure time the fleet generator computes and the one the model reaches
 * step by step agree to the millisecond.
 */
export const DUTY_GRID_MS = 5 * 60_000;
const MIN_PAUSE_MS = 10 * 60_000;
/** A schedule that never runs again would otherwise be searched for ever. */
const MAX_SEARCH_MS = 90 * DAY_MS;

/** Whether the process wants the machine running at this instant (local time of its site). */
export function dutyRunning(duty: DutySpec, site: SiteClimate, seed: number, atMs: number): boolean {
  return runningInCell(duty, site, seed, Math.floor(atMs / DUTY_GRID_MS));
}

/** The machine's run clock: wear advances only while its duty cycle has it running. */
export function runClockOf(spec: DeviceSpec): RunClock {
  const fx = spec.effects;
  const duty = fx?.duty ?? null;
  if (fx === undefined || duty === null) return ALWAYS_RUNNING;
  const on = (cell: number): boolean => runningInCell(duty, fx.site, spec.seed, cell);
  return {
    runningMs(fromMs, toMs) {
      let total = 0;
      for (let cell = Math.floor(fromMs / DUTY_GRID_MS); cell * DUTY_GRID_MS < toMs; cell++) {
        if (on(cell))
          total += Math.min(toMs, (cell + 1) * DUTY_GRID_MS) - Math.max(fromMs, cell * DUTY_GRID_MS);
      }
      return Math.max(0, total);
    },
    after(fromMs, runMs) {
      let left = runMs;
      for (
        let cell = Math.floor(fromMs / DUTY_GRID_MS);
        cell * DUTY_GRID_MS < fromMs + MAX_SEARCH_MS;
        cell++
      ) {
        if (!on(cell)) continue;
        const from = Math.max(fromMs, cell * DUTY_GRID_MS);
        const span = (cell + 1) * DUTY_GRID_MS - from;
        if (span >= left) return from + left;
        left -= span;
      }
      return fromMs + MAX_SEARCH_MS;
    },
    before(toMs, runMs) {
      let left = runMs;
      for (
        let cell = Math.ceil(toMs / DUTY_GRID_MS) - 1;
        cell * DUTY_GRID_MS > toMs - MAX_SEARCH_MS;
        cell--
      ) {
        if (!on(cell)) continue;
        const to = Math.min(toMs, (cell + 1) * DUTY_GRID_MS);
        const span = to - cell * DUTY_GRID_MS;
        if (span >= left) return to - left;
        left -= span;
      }
      return toMs - MAX_SEARCH_MS;
    },
  };
}

function runningInCell(duty: DutySpec, site: SiteClimate, seed: number, cell: number): boolean {
  const atMs = cell * DUTY_GRID_MS;
  const local = localMs(site, atMs);
  if (inPlannedStop(duty, seed, local)) return false;
  switch (duty.kind) {
    case 'continuous':
      return true;
    case 'weekend-off': {
      const day = weekday(local);
      return day !== 0 && day !== 6;
    }
    case 'shift': {
      const day = weekday(local);
      const hour = localHour(local);
      return (
        day >= 1 && day <= 5 && hour >= duty.shiftStartHour && hour < duty.shiftStartHour + duty.shiftHours
      );
    }
    case 'batch':
      return inBatchRun(duty, seed, atMs);
  }
}

function inBatchRun(duty: DutySpec, seed: number, atMs: number): boolean {
  const since = atMs - duty.batchPhaseMs;
  const cycle = Math.floor(since / duty.batchPeriodMs);
  const into = since - cycle * duty.batchPeriodMs;
  const runMs = duty.batchPeriodMs * duty.batchRunShare * lerp(0.8, 1.2, unitHash(seed, 'batch', cycle));
  return into < Math.min(runMs, duty.batchPeriodMs - MIN_PAUSE_MS);
}

// A stop may begin late one day and run past midnight, so the day before is checked too.
function inPlannedStop(duty: DutySpec, seed: number, local: number): boolean {
  const today = localDay(local);
  for (const day of [today - 1, today]) {
    if (unitHash(seed, 'stop', day) >= duty.plannedStopChance) continue;
    const startMs = day * DAY_MS + lerp(6 * HOUR_MS, 18 * HOUR_MS, unitHash(seed, 'stop-at', day));
    const lengthMs = lerp(duty.plannedStopMinMs, duty.plannedStopMaxMs, unitHash(seed, 'stop-length', day));
    if (local >= startMs && local < startMs + lengthMs) return true;
  }
  return false;
}
