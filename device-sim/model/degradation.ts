import { DEFAULT_SHAPE, extendedSymptoms } from './fault-shapes.js';
import type { FailureMode, FaultShape, FaultSpec } from './types.js';

/** How a failure mode shows in the measurements at degradation progress p (0 healthy .. 1 failed). */
export interface Symptoms {
  vibrationFactor: number;
  temperatureRiseC: number;
  currentFactor: number;
  pressureFactor: number;
  flowFactor: number;
  /** Multiplies the machine's temperature rise over ambient (a fouled cooler). */
  coolingFactor: number;
  /** Flow a leak bypasses, as a share of rated flow (pumps). */
  leakShare: number;
}

export const NO_SYMPTOMS: Symptoms = {
  vibrationFactor: 1,
  temperatureRiseC: 0,
  currentFactor: 1,
  pressureFactor: 1,
  flowFactor: 1,
  coolingFactor: 1,
  leakShare: 0,
};

/** 0 at p=0, 1 at p=1, growing like e^(k·p): slow at first, steep near failure. */
export function exponentialRise(p: number, k = 4): number {
  return Math.expm1(k * p) / Math.expm1(k);
}

export function symptoms(mode: FailureMode, p: number, shape: FaultShape = DEFAULT_SHAPE): Symptoms {
  switch (mode) {
    case 'bearing_wear':
      return {
        ...NO_SYMPTOMS,
        vibrationFactor: 1 + 7 * exponentialRise(p),
        temperatureRiseC: 12 * p ** 1.5,
        currentFactor: 1 + 0.05 * p,
      };
    case 'seal_leak':
      return {
        ...NO_SYMPTOMS,
        vibrationFactor: 1 + 0.3 * p,
        currentFactor: 1 + 0.2 * p ** 1.2,
        pressureFactor: 1 - 0.35 * p ** 1.3,
        flowFactor: 1 - 0.15 * p,
      };
    case 'winding_insulation':
      return {
        ...NO_SYMPTOMS,
        vibrationFactor: 1 + 0.2 * p,
        temperatureRiseC: 35 * p ** 2,
        currentFactor: 1 + 0.12 * p ** 1.5,
      };
    case 'bearing_spall':
    case 'lubrication_loss':
    case 'loose_mount':
    case 'leak':
    case 'winding_short':
    case 'cooling_fouling':
      return extendedSymptoms(NO_SYMPTOMS, mode, p, shape);
  }
}

export function faultSymptoms(fault: FaultSpec, p: number): Symptoms {
  return symptoms(fault.mode, p, fault.shape);
}

/**
 * Wear runs at rate 1 under an unrestricted load limit, so an untouched device fails exactly at
 * `failureMs`. A lowered limit (operator `set-load`) slows wear and so postpones the failure.
 */
export function wearRate(loadLimit: number): number {
  return 0.2 + 0.8 * loadLimit ** 2;
}

/** When the machine runs: wear only advances then. */
export interface RunClock {
  /** Running time within [fromMs, toMs). */
  runningMs(fromMs: number, toMs: number): number;
  /** The instant by which `runMs` of running time has passed since `fromMs`. */
  after(fromMs: number, runMs: number): number;
  /** The instant from which `runMs` of running time passes until `toMs`. */
  before(toMs: number, runMs: number): number;
}

export const ALWAYS_RUNNING: RunClock = {
  runningMs: (fromMs, toMs) => Math.max(0, toMs - fromMs),
  after: (fromMs, runMs) => fromMs + runMs,
  before: (toMs, runMs) => toMs - runMs,
};

/** The calendar span from onset to failure. */
export function windowMs(fault: FaultSpec): number {
  return fault.failureMs - fault.onsetMs;
}

/** Running time from onset to failure: the calendar span, unless the machine stops in between. */
export function wearWindowMs(fault: FaultSpec): number {
  return fault.runMs ?? windowMs(fault);
}

export function progress(fault: FaultSpec, wearMs: number): number {
  const w = wearWindowMs(fault);
  return w <= 0 ? 1 : Math.min(1, Math.max(0, wearMs / w));
}

export interface WearAdvance {
  wearMs: number;
  /** Set when the wear reached the full window inside this span. */
  failedAtMs: number | null;
}

export function advanceWear(
  fault: FaultSpec,
  wearMs: number,
  loadLimit: number,
  fromMs: number,
  toMs: number,
  clock: RunClock = ALWAYS_RUNNING,
): WearAdvance {
  const segmentStart = Math.max(fromMs, fault.onsetMs);
  if (toMs <= segmentStart) return { wearMs, failedAtMs: null };
  const rate = wearRate(loadLimit);
  const remaining = wearWindowMs(fault) - wearMs;
  const gained = clock.runningMs(segmentStart, toMs) * rate;
  if (gained < remaining) return { wearMs: wearMs + gained, failedAtMs: null };
  return { wearMs: wearWindowMs(fault), failedAtMs: Math.round(clock.after(segmentStart, remaining / rate)) };
}
