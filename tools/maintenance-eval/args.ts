import { parseArgs } from 'node:util';
import { parseEffectList, type EffectName } from '../../device-sim/index.js';
import type { MatrixKind, Split } from './matrix.js';

export interface SingleRun {
  kind: 'single';
  seed: number;
  devices: number;
  faults: number;
  days: number;
  intervalMinutes: number;
  effects: EffectName[];
  troubleRate: number;
  /** Simulated start, epoch ms. */
  startMs: number;
}

export interface MatrixRun {
  kind: 'matrix';
  matrix: MatrixKind;
  /** Only the cells of one split; `all` by default. */
  split: Split | 'all';
}

export type EvalArgs = SingleRun | MatrixRun | { kind: 'error'; message: string };

const SPLITS = ['tuning', 'held-out', 'all'] as const;

/**
 * `--seed S --devices N [--faults F] [--days D] [--interval-minutes M] [--effects LIST]
 * [--trouble-rate X] [--start ISO]` for one run; `--matrix [quick|full] [--split S]` or `--quick`
 * for the matrix.
 */
export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  // `--matrix=quick` reads like `--matrix quick`.
  const args = argv.flatMap((a) =>
    a.startsWith('--matrix=') ? ['--matrix', a.slice('--matrix='.length)] : [a],
  );
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  }
  const { values, positionals } = parsed;
  if (values.matrix === true || values.quick === true) {
    const [which, ...rest] = positionals;
    if (rest.length > 0 || (which !== undefined && which !== 'quick' && which !== 'full'))
      return { kind: 'error', message: `--matrix: expected quick or full, got ${positionals.join(' ')}` };
    const split = values.split ?? 'all';
    if (!(SPLITS as readonly string[]).includes(split))
      return {
        kind: 'error',
        message: `--split: expected one of ${SPLITS.join(', ')}, got ${JSON.stringify(split)}`,
      };
    return {
      kind: 'matrix',
      matrix: values.quick === true || which === 'quick' ? 'quick' : 'full',
      split: split as Split | 'all',
    };
  }
  if (positionals.length > 0)
    return { kind: 'error', message: `unexpected argument ${positionals[0] ?? ''}` };
  if (values.split !== undefined) return { kind: 'error', message: '--split goes with --matrix' };
  const effects = parseEffectList(values.effects ?? 'none');
  if (!effects.ok) return { kind: 'error', message: `--effects: ${effects.reason}` };
  const numbers: Record<string, number> = {};
  for (const [name, fallback] of [
    ['seed', 1],
    ['devices', 500],
    ['faults', 0.15],
    ['days', 7],
    ['interval-minutes', 2],
    ['trouble-rate', 1],
  ] as const) {
    const raw = values[name];
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < 0)
      return { kind: 'error', message: `--${name}: expected a number, got ${JSON.stringify(raw)}` };
    numbers[name] = n;
  }
  const startMs = values.start === undefined ? Date.UTC(2025, 0, 1) : Date.parse(values.start);
  if (!Number.isFinite(startMs))
    return {
      kind: 'error',
      message: `--start: expected an ISO 8601 time, got ${JSON.stringify(values.start)}`,
    };
  return {
    kind: 'single',
    seed: numbers.seed ?? 1,
    devices: numbers.devices ?? 500,
    faults: numbers.faults ?? 0.15,
    days: numbers.days ?? 7,
    intervalMinutes: numbers['interval-minutes'] ?? 2,
    effects: effects.effects,
    troubleRate: numbers['trouble-rate'] ?? 1,
    startMs,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      seed: { type: 'string' },
      devices: { type: 'string' },
      faults: { type: 'string' },
      days: { type: 'string' },
      'interval-minutes': { type: 'string' },
      effects: { type: 'string' },
      'trouble-rate': { type: 'string' },
      start: { type: 'string' },
      matrix: { type: 'boolean' },
      quick: { type: 'boolean' },
      split: { type: 'string' },
    },
  });
}
