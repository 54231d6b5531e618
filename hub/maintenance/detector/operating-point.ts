import type { Feature, MachineProfile } from './profiles.js';
import { alphaFor } from './smoothing.js';

/** Where a machine is working, from its load metric: what its baselines are functions of. */
export interface OperatingPoint {
  /** Load metric value at first sight; the load is measured relative to it. */
  ref: number | null;
  /** Relative load, about 1 wide across the usual load range. */
  load: number;
  /** Load and its square lagged by the thermal time constant: what the temperature follows. */
  thermal: number;
  thermal2: number;
  /** Load smoothed over a few minutes, and the range of it the baselines have been taught. */
  settled: number;
  min: number | null;
  max: number | null;
  /** Device time the machine last stopped; null while it runs. Absent in snapshots of 2026-11. */
  stoppedAtMs?: number | null;
  /** Device time of the last start after a stop. */
  restartedAtMs?: number;
  /** After a restart, temperature is still catching up with the load until this device time. */
  settlingUntilMs?: number;
}

export function operatingPointCreate(): OperatingPoint {
  return { ref: null, load: 0, thermal: 0, thermal2: 0, settled: 0, min: null, max: null, stoppedAtMs: null };
}

const SETTLE_TAU_MS = 5 * 60_000;
const NOVEL_LOAD_MARGIN = 0.05;
const DAY_MS = 86_400_000;

export interface PointStep {
  running: boolean;
  /** A load the baselines have not been taught: learn it first, judge nothing by it. */
  novel: boolean;
  /** The load reference was a stopped machine's reading: what was learnt from it is void. */
  rebased?: boolean;
  /** Just restarted: temperature lags its load, so it is neither taught nor judged yet. */
  settling?: boolean;
}

/** A restart is a transient for every metric for this long, and for temperature for a few thermal time constants. */
const RESTART_TRANSIENT_MS = 10 * 60_000;
const SETTLING_TAUS = 3;

/**
 * Moves the operating point to a new reading of the load metric (undefined when the reading
 * lacks it: the last load holds). Mutates `p`.
 */
export function operatingPointStep(
  p: OperatingPoint,
  loadValue: number | undefined,
  dtMs: number,
  profile: MachineProfile,
  stoppedFraction: number,
  learning: boolean,
  atMs: number,
): PointStep {
  if (p.ref === null && loadValue !== undefined && loadValue > 0) p.ref = loadValue;
  if (p.ref === null) {
    p.stoppedAtMs ??= atMs;
    return { running: false, novel: false };
  }
  // A stopped pump's flow meter reads a little above zero; when a machine first seen stopped
  // starts, its first real load becomes the reference and everything learnt before is void.
  let rebased = false;
  if (loadValue !== undefined && stoppedFraction * loadValue > p.ref) {
    p.ref = loadValue;
    p.min = null;
    p.max = null;
    p.thermal = 0;
    p.thermal2 = 0;
    p.settled = 0;
    rebased = true;
  }
  if (loadValue !== undefined && loadValue <= stoppedFraction * p.ref) {
    p.stoppedAtMs ??= atMs;
    return { running: false, novel: false };
  }
  if (p.stoppedAtMs !== undefined && p.stoppedAtMs !== null) {
    const stoppedMs = atMs - p.stoppedAtMs;
    p.stoppedAtMs = null;
    p.restartedAtMs = atMs;
    p.settlingUntilMs = atMs + Math.min(stoppedMs, SETTLING_TAUS * profile.thermalTauMs);
  }
  const settling = p.settlingUntilMs !== undefined && atMs < p.settlingUntilMs;
  const transient = p.restartedAtMs !== undefined && atMs - p.restartedAtMs < RESTART_TRANSIENT_MS;

  if (loadValue !== undefined) p.load = (profile.loadSign * (loadValue / p.ref - 1)) / profile.loadSpan;
  const heat = dtMs === 0 ? 1 : alphaFor(dtMs, profile.thermalTauMs);
  p.thermal += heat * (p.load - p.thermal);
  p.thermal2 += heat * (p.load * p.load - p.thermal2);
  p.settled += (dtMs === 0 ? 1 : alphaFor(dtMs, SETTLE_TAU_MS)) * (p.load - p.settled);
  // Without this, a baseline learnt at one steady load (where the load signal is only noise)
  // has no idea how the machine behaves at another, and would read the difference as a fault.
  const novel =
    p.min === null ||
    p.max === null ||
    p.settled < p.min - NOVEL_LOAD_MARGIN ||
    p.settled > p.max + NOVEL_LOAD_MARGIN;
  if (learning || novel) {
    p.min = Math.min(p.min ?? p.settled, p.settled);
    p.max = Math.max(p.max ?? p.settled, p.settled);
  }
  // Run-up after a stop: the readings of the first minutes are neither normal nor wear.
  if (transient) return { running: false, novel: false, rebased };
  return { running: true, novel, rebased, settling };
}

/** The regressors of a baseline at this operating point and device time. */
export function featureValues(
  features: readonly Feature[],
  p: OperatingPoint,
  atMs: number,
  firstMs: number,
): number[] {
  const dayPhase = (2 * Math.PI * (((atMs % DAY_MS) + DAY_MS) % DAY_MS)) / DAY_MS;
  return features.map((f) => {
    switch (f) {
      case 'one':
        return 1;
      case 'load':
        return p.load;
      case 'thermal':
        return p.thermal;
      case 'thermal2':
        return p.thermal2;
      case 'dayCos':
        return Math.cos(dayPhase);
      case 'daySin':
        return Math.sin(dayPhase);
      case 'days':
        return (atMs - firstMs) / DAY_MS;
    }
  });
}
