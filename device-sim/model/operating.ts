import type { Rng } from '../prng.js';
import { lagFraction } from './environment.js';
import type { ModelState } from './types.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export const LOAD_PROFILE = {
  minTarget: 0.5,
  maxTarget: 1,
  meanChangeIntervalMs: 3 * HOUR_MS,
  minChangeIntervalMs: 10 * MINUTE_MS,
  /** Share of load changes that happen at once (a decoy: current and temperature jump, harmlessly). */
  stepChance: 0.25,
  rampTauMs: 10 * MINUTE_MS,
} as const;

/** Decoys: short harmless vibration spikes (a passing forklift, a valve slam). */
export const SPIKE_PROFILE = {
  meanIntervalMs: 6 * HOUR_MS,
  minDurationMs: 20_000,
  maxDurationMs: 180_000,
  minFactor: 2,
  maxFactor: 3.5,
} as const;

export function firstLoad(
  rng: Rng,
  startMs: number,
): Pick<ModelState, 'load' | 'loadTarget' | 'nextLoadChangeMs'> {
  const target = drawLoadTarget(rng);
  return { load: target, loadTarget: target, nextLoadChangeMs: startMs + drawLoadInterval(rng) };
}

export function firstSpike(
  rng: Rng,
  startMs: number,
): Pick<ModelState, 'spikeStartMs' | 'spikeEndMs' | 'spikeFactor' | 'nextSpikeMs'> {
  return {
    spikeStartMs: 0,
    spikeEndMs: 0,
    spikeFactor: 1,
    nextSpikeMs: startMs + rng.exponential(SPIKE_PROFILE.meanIntervalMs),
  };
}

/**
 * Moves the load from `s.lastMs` to `toMs` through every scheduled change in between. The lag
 * is integrated segment by segment, so the load at an instant does not depend on how often it
 * was sampled.
 */
export function advanceLoad(s: ModelState, rng: Rng, toMs: number): void {
  let cursor = s.lastMs;
  while (s.nextLoadChangeMs <= toMs) {
    const at = s.nextLoadChangeMs;
    s.load += (s.loadTarget - s.load) * lagFraction(at - cursor, LOAD_PROFILE.rampTauMs);
    s.loadTarget = drawLoadTarget(rng);
    if (rng.chance(LOAD_PROFILE.stepChance)) s.load = s.loadTarget;
    s.nextLoadChangeMs = at + drawLoadInterval(rng);
    cursor = at;
  }
  s.load += (s.loadTarget - s.load) * lagFraction(toMs - cursor, LOAD_PROFILE.rampTauMs);
}

export function advanceSpikes(s: ModelState, rng: Rng, toMs: number): void {
  while (s.nextSpikeMs <= toMs) {
    s.spikeStartMs = Math.round(s.nextSpikeMs);
    s.spikeEndMs =
      s.spikeStartMs + Math.round(rng.uniform(SPIKE_PROFILE.minDurationMs, SPIKE_PROFILE.maxDurationMs));
    s.spikeFactor = rng.uniform(SPIKE_PROFILE.minFactor, SPIKE_PROFILE.maxFactor);
    s.nextSpikeMs = s.spikeEndMs + rng.exponential(SPIKE_PROFILE.meanIntervalMs);
  }
}

export function spikeFactorAt(s: ModelState, atMs: number): number {
  return atMs >= s.spikeStartMs && atMs < s.spikeEndMs ? s.spikeFactor : 1;
}

function drawLoadTarget(rng: Rng): number {
  return rng.uniform(LOAD_PROFILE.minTarget, LOAD_PROFILE.maxTarget);
}

function drawLoadInterval(rng: Rng): number {
  return Math.max(LOAD_PROFILE.minChangeIntervalMs, rng.exponential(LOAD_PROFILE.meanChangeIntervalMs));
}
