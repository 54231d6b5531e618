import { METRICS, type Metrics, type Reading } from '../../contracts/index.js';
import { Rng } from '../prng.js';
import { roundTo } from './round.js';
import type { DeviceEffects, EffectState, GlitchSpec } from './types.js';

/** A store-and-forward buffer has a size; the oldest readings go first when it is full. */
const MAX_HELD = 2_000;

export function effectStateCreate(
  fx: DeviceEffects,
  seeds: { glitch: number; drop: number; late: number },
  startMs: number,
): EffectState {
  const glitch = new Rng(seeds.glitch);
  const drop = new Rng(seeds.drop);
  return {
    glitchStartMs: 0,
    glitchEndMs: 0,
    nextGlitchMs: fx.glitches === null ? Infinity : startMs + glitch.exponential(fx.glitches.meanIntervalMs),
    glitchRng: glitch.state,
    dropStartMs: 0,
    dropEndMs: 0,
    dropBuffered: false,
    nextDropMs: fx.dropouts === null ? Infinity : startMs + drop.exponential(fx.dropouts.meanIntervalMs),
    dropRng: drop.state,
    lateRng: seeds.late,
    held: [],
  };
}

/** Schedules glitch bursts and outages up to `toMs`; like load changes, independent of sampling. */
export function advanceTrouble(fx: DeviceEffects, st: EffectState, toMs: number): void {
  const g = fx.glitches;
  if (g !== null && st.nextGlitchMs <= toMs) {
    const rng = new Rng(st.glitchRng);
    while (st.nextGlitchMs <= toMs) {
      st.glitchStartMs = Math.round(st.nextGlitchMs);
      st.glitchEndMs = st.glitchStartMs + Math.round(rng.uniform(g.minBurstMs, g.maxBurstMs));
      st.nextGlitchMs = st.glitchEndMs + rng.exponential(g.meanIntervalMs);
    }
    st.glitchRng = rng.state;
  }
  const d = fx.dropouts;
  if (d !== null && st.nextDropMs <= toMs) {
    const rng = new Rng(st.dropRng);
    while (st.nextDropMs <= toMs) {
      st.dropStartMs = Math.round(st.nextDropMs);
      // Log-uniform: most outages are short, a few last hours.
      st.dropEndMs = st.dropStartMs + Math.round(Math.exp(rng.uniform(Math.log(d.minMs), Math.log(d.maxMs))));
      st.dropBuffered = rng.chance(d.bufferedShare);
      st.nextDropMs = st.dropEndMs + rng.exponential(d.meanIntervalMs);
    }
    st.dropRng = rng.state;
  }
}

export function inGlitch(st: EffectState, atMs: number): boolean {
  return atMs >= st.glitchStartMs && atMs < st.glitchEndMs;
}

/** A loose connector: a wild vibration reading, and a current that jumps or drops to nothing. */
export function withGlitch(metrics: Metrics, g: GlitchSpec, noise: Rng): Metrics {
  if (!noise.chance(g.wildShare)) return metrics;
  const out = { ...metrics };
  const vibration = out[METRICS.vibration];
  if (vibration !== undefined)
    out[METRICS.vibration] = roundTo(Math.max(vibration, 0.5) * noise.uniform(3, 12), 3);
  const current = out[METRICS.current];
  if (current !== undefined)
    out[METRICS.current] = noise.chance(0.3) ? 0 : roundTo(current * noise.uniform(1.3, 2.5), 2);
  return out;
}

export interface Delivery {
  reading: Reading | null;
  late: Reading[];
}

/**
 * What the transport makes of a reading measured at `atMs`: lost or buffered in an outage, held
 * back to arrive late, or delivered now together with whatever held readings are due.
 */
export function deliver(fx: DeviceEffects, st: EffectState, reading: Reading, atMs: number): Delivery {
  if (atMs >= st.dropStartMs && atMs < st.dropEndMs) {
    if (st.dropBuffered) hold(st, st.dropEndMs, reading);
    return { reading: null, late: [] };
  }
  let now: Reading | null = reading;
  if (fx.late !== null) {
    const rng = new Rng(st.lateRng);
    if (rng.chance(fx.late.chance)) {
      hold(st, atMs + rng.uniform(fx.late.minDelayMs, fx.late.maxDelayMs), reading);
      now = null;
    }
    st.lateRng = rng.state;
  }
  if (st.held.length === 0 || (st.held[0]?.releaseMs ?? Infinity) > atMs) return { reading: now, late: [] };
  const due = st.held.filter((h) => h.releaseMs <= atMs);
  st.held = st.held.filter((h) => h.releaseMs > atMs);
  return { reading: now, late: due.map((h) => h.reading).sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0)) };
}

// A new array, not a push: the state this step was given must stay as it was.
function hold(st: EffectState, releaseMs: number, reading: Reading): void {
  const held = [...st.held, { releaseMs, reading }];
  if ((held.at(-2)?.releaseMs ?? -Infinity) > releaseMs) held.sort((a, b) => a.releaseMs - b.releaseMs);
  st.held = held.length > MAX_HELD ? held.slice(held.length - MAX_HELD) : held;
}
