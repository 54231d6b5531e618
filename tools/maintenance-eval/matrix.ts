import { EFFECT_NAMES, type EffectName, type EffectOptions } from '../../device-sim/index.js';
import { deriveSeed } from '../../device-sim/prng.js';

/*
 * The evaluation matrix: seeds × effect settings, split into cells a detector may be tuned on and
 * cells held out as the proxy for fleets nobody has seen.
 *
 * FROZEN on 2026-12-01, together with the simulator in device-sim/, before anything was run
 * against the detector. Do not change the seeds, the settings, the fleet sizes or the split after
 * seeing results: that would turn held-out cells into tuning cells. A different matrix gets a new
 * MATRIX_VERSION and keeps this one runnable.
 *
 * Held out: every cell of seeds 101-103, including the settings `all-harsh` and `all-sparse`,
 * which no tuning seed runs at all. Nobody tunes a threshold, prior or time constant of the
 * detector on a held-out cell, or looks at one to decide between two designs; the tuning cells
 * (seeds 1-2) are for that.
 */
export const MATRIX_VERSION = 'matrix-2026-12-01';

export const TUNING_SEEDS: readonly number[] = [1, 2];
export const HELD_OUT_SEEDS: readonly number[] = [101, 102, 103];

export type Split = 'tuning' | 'held-out';

export interface EffectSetting {
  name: string;
  effects: readonly EffectName[];
  /** Scales sensor trouble (glitches, dropouts, late readings). */
  troubleRate: number;
  intervalMinutes: number;
  /** Run on held-out seeds only: never seen while tuning, whatever the seed. */
  heldOutOnly: boolean;
}

const ALL = EFFECT_NAMES;

export const SETTINGS: readonly EffectSetting[] = [
  { name: 'baseline', effects: [], troubleRate: 1, intervalMinutes: 2, heldOutOnly: false },
  { name: 'weather', effects: ['weather'], troubleRate: 1, intervalMinutes: 2, heldOutOnly: false },
  { name: 'duty', effects: ['duty'], troubleRate: 1, intervalMinutes: 2, heldOutOnly: false },
  {
    name: 'physics',
    effects: ['pump-curves', 'motor-physics'],
    troubleRate: 1,
    intervalMinutes: 2,
    heldOutOnly: false,
  },
  {
    name: 'sensors',
    effects: ['glitches', 'dropouts', 'late-readings'],
    troubleRate: 1,
    intervalMinutes: 2,
    heldOutOnly: false,
  },
  { name: 'faults', effects: ['faults-extended'], troubleRate: 1, intervalMinutes: 2, heldOutOnly: false },
  { name: 'all', effects: ALL, troubleRate: 1, intervalMinutes: 2, heldOutOnly: false },
  { name: 'all-harsh', effects: ALL, troubleRate: 3, intervalMinutes: 2, heldOutOnly: true },
  { name: 'all-sparse', effects: ALL, troubleRate: 1, intervalMinutes: 15, heldOutOnly: true },
];

export type MatrixKind = 'full' | 'quick';

interface FleetSize {
  devices: number;
  faults: number;
  days: number;
}

const FLEET: Record<MatrixKind, FleetSize> = {
  full: { devices: 200, faults: 0.15, days: 7 },
  // For CI: a smoke run of the machinery on a few cells, not figures to quote.
  quick: { devices: 48, faults: 0.25, days: 4 },
};

const QUICK_CELLS: readonly string[] = ['1/baseline', '1/all', '101/baseline', '101/all', '101/all-sparse'];

export interface MatrixCell extends FleetSize {
  id: string;
  seed: number;
  setting: string;
  split: Split;
  intervalMs: number;
  startMs: number;
  effects: EffectOptions;
}

// Data may begin on any weekday at any hour: a week from Monday 2025-01-06 00:00 UTC, by seed.
const WEEK_START_MS = Date.UTC(2025, 0, 6);
const WEEK_MINUTES = 7 * 24 * 60;

export function cellStartMs(seed: number): number {
  const minute = Math.floor((deriveSeed(seed, 'eval-start') / 4_294_967_296) * WEEK_MINUTES);
  return WEEK_START_MS + minute * 60_000;
}

export function splitOf(seed: number): Split {
  if (HELD_OUT_SEEDS.includes(seed)) return 'held-out';
  if (TUNING_SEEDS.includes(seed)) return 'tuning';
  throw new RangeError(`seed ${seed} is not in the matrix`);
}

export function matrixCells(kind: MatrixKind): MatrixCell[] {
  const size = FLEET[kind];
  const cells: MatrixCell[] = [];
  for (const seed of [...TUNING_SEEDS, ...HELD_OUT_SEEDS]) {
    const split = splitOf(seed);
    for (const setting of SETTINGS) {
      if (setting.heldOutOnly && split === 'tuning') continue;
      const id = `${seed}/${setting.name}`;
      if (kind === 'quick' && !QUICK_CELLS.includes(id)) continue;
      cells.push({
        id,
        seed,
        setting: setting.name,
        split,
        ...size,
        intervalMs: setting.intervalMinutes * 60_000,
        startMs: cellStartMs(seed),
        effects: { enabled: setting.effects, troubleRate: setting.troubleRate },
      });
    }
  }
  return cells;
}
