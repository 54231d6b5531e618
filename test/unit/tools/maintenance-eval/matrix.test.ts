import { describe, expect, it } from 'vitest';
import { weekday } from '../../../../device-sim/model/local-time.js';
import {
  HELD_OUT_SEEDS,
  MATRIX_VERSION,
  SETTINGS,
  TUNING_SEEDS,
  matrixCells,
} from '../../../../tools/maintenance-eval/matrix.js';

describe('the evaluation matrix', () => {
  // Frozen: a change here turns held-out cells into tuning cells. Make a new matrix instead.
  it('is the frozen definition', () => {
    expect(MATRIX_VERSION).toBe('matrix-2026-12-01');
    expect(TUNING_SEEDS).toEqual([1, 2]);
    expect(HELD_OUT_SEEDS).toEqual([101, 102, 103]);
    expect(
      SETTINGS.map((s) => [s.name, s.effects.length, s.troubleRate, s.intervalMinutes, s.heldOutOnly]),
    ).toEqual([
      ['baseline', 0, 1, 2, false],
      ['weather', 1, 1, 2, false],
      ['duty', 1, 1, 2, false],
      ['physics', 2, 1, 2, false],
      ['sensors', 3, 1, 2, false],
      ['faults', 1, 1, 2, false],
      ['all', 8, 1, 2, false],
      ['all-harsh', 8, 3, 2, true],
      ['all-sparse', 8, 1, 15, true],
    ]);
    const full = matrixCells('full');
    expect(full).toHaveLength(2 * 7 + 3 * 9);
    expect(new Set(full.map((c) => `${c.devices}/${c.faults}/${c.days}`))).toEqual(new Set(['200/0.15/7']));
    expect(matrixCells('quick').map((c) => `${c.id} ${c.split}`)).toEqual([
      '1/baseline tuning',
      '1/all tuning',
      '101/baseline held-out',
      '101/all held-out',
      '101/all-sparse held-out',
    ]);
  });

  it('never puts a held-out seed or a held-out-only setting in a tuning cell', () => {
    for (const c of matrixCells('full')) {
      if (c.split === 'tuning') {
        expect(TUNING_SEEDS).toContain(c.seed);
        expect(SETTINGS.find((s) => s.name === c.setting)?.heldOutOnly).toBe(false);
      } else expect(HELD_OUT_SEEDS).toContain(c.seed);
    }
  });

  it('starts each seed at its own weekday and hour, the same in every setting', () => {
    const full = matrixCells('full');
    const starts = new Map(full.map((c) => [c.seed, c.startMs]));
    for (const c of full) expect(c.startMs).toBe(starts.get(c.seed));
    expect(new Set([...starts.values()].map((t) => weekday(t))).size).toBeGreaterThan(2);
    for (const q of matrixCells('quick')) expect(q.startMs).toBe(starts.get(q.seed));
  });
});
