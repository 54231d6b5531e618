import type { DetectorParams } from '../../hub/maintenance/detector/params.js';
import type { MachineProfile, MachineType } from '../../hub/maintenance/detector/profiles.js';
import {
  HELD_OUT_SEEDS,
  MATRIX_VERSION,
  SETTINGS,
  TUNING_SEEDS,
  type MatrixCell,
  type MatrixKind,
  type Split,
} from './matrix.js';
import { runScores } from './run.js';
import { aggregate, type DeviceScore, type Figures } from './score.js';

export interface CellResult {
  id: string;
  seed: number;
  setting: string;
  split: Split;
  devices: number;
  faults: number;
  days: number;
  intervalMinutes: number;
  start: string;
  detector: Figures;
  baseline: Figures;
  seconds: number;
}

export interface Pooled {
  cells: number;
  detector: Figures;
  baseline: Figures;
}

export interface MatrixResult {
  matrix: string;
  kind: MatrixKind;
  split: { tuningSeeds: readonly number[]; heldOutSeeds: readonly number[]; heldOutOnlySettings: string[] };
  cells: CellResult[];
  /** Every device of the cells of a split, pooled as one fleet. */
  pooled: { tuning: Pooled | null; heldOut: Pooled | null; all: Pooled };
  /** Held-out cells of each setting pooled over seeds: what each effect costs. */
  bySetting: Record<string, Pooled>;
  seconds: number;
}

export interface DetectorSetup {
  profiles: Record<MachineType, MachineProfile>;
  params: DetectorParams;
}

interface CellScores {
  cell: MatrixCell;
  detector: DeviceScore[];
  baseline: DeviceScore[];
}

/** Runs the cells one after another; `onCell` hears of each as it finishes. */
export function runMatrix(
  kind: MatrixKind,
  cells: readonly MatrixCell[],
  setup: DetectorSetup,
  onCell: (result: CellResult, done: number, total: number) => void = () => undefined,
): MatrixResult {
  const started = process.hrtime.bigint();
  const scored: CellScores[] = [];
  const results: CellResult[] = [];
  for (const cell of cells) {
    const run = runScores({ ...cell, ...setup }, cell.id);
    scored.push({ cell, detector: run.detector, baseline: run.baseline });
    const result: CellResult = {
      id: cell.id,
      seed: cell.seed,
      setting: cell.setting,
      split: cell.split,
      devices: cell.devices,
      faults: cell.faults,
      days: cell.days,
      intervalMinutes: cell.intervalMs / 60_000,
      start: new Date(cell.startMs).toISOString(),
      detector: aggregate(run.detector, 3),
      baseline: aggregate(run.baseline, 3),
      seconds: Number(run.seconds.toFixed(1)),
    };
    results.push(result);
    onCell(result, results.length, cells.length);
  }
  const bySetting: Record<string, Pooled> = {};
  for (const setting of SETTINGS) {
    const pooled = pool(scored.filter((s) => s.cell.split === 'held-out' && s.cell.setting === setting.name));
    if (pooled !== null) bySetting[setting.name] = pooled;
  }
  return {
    matrix: MATRIX_VERSION,
    kind,
    split: {
      tuningSeeds: TUNING_SEEDS,
      heldOutSeeds: HELD_OUT_SEEDS,
      heldOutOnlySettings: SETTINGS.filter((s) => s.heldOutOnly).map((s) => s.name),
    },
    cells: results,
    pooled: {
      tuning: pool(scored.filter((s) => s.cell.split === 'tuning')),
      heldOut: pool(scored.filter((s) => s.cell.split === 'held-out')),
      all: pool(scored) ?? { cells: 0, detector: aggregate([]), baseline: aggregate([]) },
    },
    bySetting,
    seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)),
  };
}

function pool(cells: readonly CellScores[]): Pooled | null {
  if (cells.length === 0) return null;
  return {
    cells: cells.length,
    detector: aggregate(cells.flatMap((c) => c.detector)),
    baseline: aggregate(cells.flatMap((c) => c.baseline)),
  };
}
