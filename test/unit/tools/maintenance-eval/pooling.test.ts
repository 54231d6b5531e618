import { describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../../../device-sim/index.js';
import { DEFAULT_PARAMS } from '../../../../hub/maintenance/detector/params.js';
import { profilesFromConfig } from '../../../../hub/maintenance/detector/profiles.js';
import { loadConfig } from '../../../../config/index.js';
import type { MatrixCell } from '../../../../tools/maintenance-eval/matrix.js';
import { runMatrix } from '../../../../tools/maintenance-eval/matrix-run.js';
import {
  aggregate,
  score,
  scoreDevice,
  type DeviceOutcome,
} from '../../../../tools/maintenance-eval/score.js';
import { formatMatrixTable } from '../../../../tools/maintenance-eval/table.js';

const H = 3_600_000;

const failing = (id: string, onsetH: number, windowH: number): GroundTruth => ({
  deviceId: id,
  machineType: 'pump',
  failureMode: 'seal_leak',
  onsetMs: onsetH * H,
  failureMs: (onsetH + windowH) * H,
});

function outcome(id: string, estimateOffsetH: number): DeviceOutcome {
  const truth = failing(id, 10, 10);
  const rul = Array.from({ length: 10 }, (_, i) => ({ atMs: (10 + i) * H, hours: 10 - i + estimateOffsetH }));
  return { truth, alertsOpenedMs: [12 * H], rul };
}

describe('pooled scoring', () => {
  it('pools runs device by device, as if they were one fleet', () => {
    const a = [outcome('a', 0), outcome('b', 1)];
    const b = [outcome('c', 5)];
    const pooled = aggregate([
      ...a.map((o) => scoreDevice(o, 0, 100 * H, 'one')),
      ...b.map((o) => scoreDevice(o, 0, 100 * H, 'two')),
    ]);
    const single = score([...a, ...b], 0, 100 * H);
    // Equal but for the cell each listed device came from.
    expect({ ...pooled, rul: { ...pooled.rul, worst: [] } }).toEqual({
      ...single,
      rul: { ...single.rul, worst: [] },
    });
    expect(pooled.failures).toBe(3);
    expect(pooled.rul.rmseShareOfWindow).toBeCloseTo(Math.sqrt((0 + 10 * 0.01 + 10 * 0.25) / 30), 3);
  });

  it('lists the worst devices by RUL error, so one outlier is visible', () => {
    const f = aggregate(
      [outcome('a', 0), outcome('b', 1), outcome('c', 5)].map((o) => scoreDevice(o, 0, 100 * H, 'x')),
    );
    expect(f.rul.worst.map((w) => [w.deviceId, w.rmseShareOfWindow, w.cell])).toEqual([
      ['c', 0.5, 'x'],
      ['b', 0.1, 'x'],
      ['a', 0, 'x'],
    ]);
    expect(f.rul.medianDeviceRmse).toBe(0.1);
    expect(f.rul.worst[0]?.atHalfError).toBe(1);
  });
});

describe('a matrix run', () => {
  it('reports every cell, the pooled splits and each setting held out', () => {
    const cell = (
      id: string,
      split: 'tuning' | 'held-out',
      setting: string,
      effects: MatrixCell['effects'],
    ): MatrixCell => ({
      id,
      seed: split === 'tuning' ? 1 : 101,
      setting,
      split,
      devices: 6,
      faults: 0.5,
      days: 1.5,
      intervalMs: 10 * 60_000,
      startMs: Date.UTC(2025, 0, 6),
      effects,
    });
    const cells = [
      cell('1/baseline', 'tuning', 'baseline', { enabled: [] }),
      cell('101/all', 'held-out', 'all', { enabled: ['weather', 'duty', 'glitches', 'late-readings'] }),
    ];
    const setup = {
      profiles: profilesFromConfig(loadConfig({ env: {} }).maintenance),
      params: DEFAULT_PARAMS,
    };
    const seen: string[] = [];
    const m = runMatrix('quick', cells, setup, (c) => seen.push(c.id));
    expect(seen).toEqual(['1/baseline', '101/all']);
    expect(m.cells.map((c) => [c.id, c.split, c.devices])).toEqual([
      ['1/baseline', 'tuning', 6],
      ['101/all', 'held-out', 6],
    ]);
    expect(m.pooled.tuning?.cells).toBe(1);
    expect(m.pooled.heldOut?.cells).toBe(1);
    expect(m.pooled.all.detector.healthyDeviceDays).toBeCloseTo(
      (m.cells[0]?.detector.healthyDeviceDays ?? 0) + (m.cells[1]?.detector.healthyDeviceDays ?? 0),
      0,
    );
    expect(Object.keys(m.bySetting)).toEqual(['all']);
    expect(formatMatrixTable(m)).toMatch(/101\/all\s+held-out/);
  });
});
