import type { CellResult, MatrixResult, Pooled } from './matrix-run.js';
import type { Figures } from './score.js';

// A compact human view of a matrix run, for stderr; the JSON on stdout is the record.

const COLUMNS = ['recall', 'prec', 'FA/day', 'lead', 'RMSE', '±20%'] as const;

function num(x: number | null, digits: number): string {
  return x === null ? '-' : x.toFixed(digits);
}

function figureCells(f: Figures): string[] {
  return [
    num(f.recall, 2),
    num(f.precision, 2),
    num(f.falseAlarmsPerHealthyDeviceDay, 4),
    num(f.leadTimeShare.median, 2),
    num(f.rul.rmseShareOfWindow, 3),
    num(f.rul.within20PctAtHalf, 2),
  ];
}

// Pooled rows name the cell too: the same device id recurs in every setting of a seed.
function worstOf(f: Figures, withCell: boolean): string {
  return f.rul.worst
    .slice(0, 3)
    .map((w) => {
      const id = w.deviceId.replace(/^eval-/, '');
      return `${withCell && w.cell !== undefined ? `${w.cell}#${id}` : id}:${num(w.rmseShareOfWindow, 2)}`;
    })
    .join(' ');
}

function row(label: string, split: string, detector: Figures, baseline: Figures, withCell = false): string[] {
  return [
    label,
    split,
    String(detector.failures),
    ...figureCells(detector),
    worstOf(detector, withCell),
    '|',
    ...figureCells(baseline),
  ];
}

function render(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatCellLine(c: CellResult, done: number, total: number): string {
  const d = c.detector;
  return `[${done}/${total}] ${c.id} (${c.split}) ${c.seconds}s: recall ${num(d.recall, 2)} precision ${num(d.precision, 2)} FA/day ${num(d.falseAlarmsPerHealthyDeviceDay, 4)}`;
}

export function formatMatrixTable(m: MatrixResult): string {
  const header = [
    'cell',
    'split',
    'fail',
    ...COLUMNS,
    'worst RUL (id:rmse)',
    '|',
    ...COLUMNS.map((c) => `b.${c}`),
  ];
  const rows = [header, ...m.cells.map((c) => row(c.id, c.split, c.detector, c.baseline))];
  const pooledRow = (label: string, p: Pooled | null): string[][] =>
    p === null ? [] : [row(label, `${p.cells} cells`, p.detector, p.baseline, true)];
  rows.push(
    ...pooledRow('pooled tuning', m.pooled.tuning),
    ...pooledRow('pooled held-out', m.pooled.heldOut),
    ...pooledRow('pooled all', m.pooled.all),
    ...Object.entries(m.bySetting).flatMap(([name, p]) => pooledRow(`held-out ${name}`, p)),
  );
  return [
    `${m.matrix} (${m.kind}), ${m.cells.length} cells in ${m.seconds}s; lead = median share of window, b. = fixed-threshold baseline`,
    render(rows),
  ].join('\n');
}
