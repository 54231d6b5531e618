import type { FailureMode, FaultSpec } from './types.js';

/** How a failure mode shows in the measurements at degradation progress p (0 healthy .. 1 failed). */
export interface Symptoms {
  vibrationFactor: number;
  temperatureRiseC: number;
  currentFactor: number;
  pressureFactor: number;
  flowFactor: number;
}

export const NO_SYMPTOMS: Symptoms = {
  vibrationFactor: 1,
  temperatureRiseC: 0,
  currentFactor: 1,
  pressureFactor: 1,
  flowFactor: 1,
};

/** 0 at p=0, 1 at p=1, growing like e^(k·p): slow at first, steep near failure. */
export function exponentialRise(p: number, k = 4): number {
  return Math.expm1(k * p) / Math.expm1(k);
}

export function symptoms(mode: FailureMode, p: number): Symptoms {
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
  }
}

/**
 * Wear runs at rate 1 under an unrestricted load limit, so an untouched device fails exactly at
 * `failureMs`. A lowered limit (operator `set-load`) slows wear and so postpones the failure.
 */
export function wearRate(loadLimit: number): number {
  return 0.2 + 0.8 * loadLimit ** 2;
}

export function windowMs(fault: FaultSpec): number {
  return fault.failureMs - fault.onsetMs;
}

export function progress(fault: FaultSpec, wearMs: number): number {
  const w = windowMs(fault);
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
): WearAdvance {
  const segmentStart = Math.max(fromMs, fault.onsetMs);
  if (toMs <= segmentStart) return { wearMs, failedAtMs: null };
  const rate = wearRate(loadLimit);
  const remaining = windowMs(fault) - wearMs;
  const gained = (toMs - segmentStart) * rate;
  if (gained < remaining) return { wearMs: wearMs + gained, failedAtMs: null };
  return { wearMs: windowMs(fault), failedAtMs: Math.round(segmentStart + remaining / rate) };
}
