import { describe, expect, it } from 'vitest';
import { parseEvalArgs } from '../../../../tools/maintenance-eval/args.js';

describe('eval arguments', () => {
  it('keep the single-run flags and defaults', () => {
    expect(parseEvalArgs([])).toEqual({
      kind: 'single',
      seed: 1,
      devices: 500,
      faults: 0.15,
      days: 7,
      intervalMinutes: 2,
      effects: [],
      troubleRate: 1,
      startMs: Date.UTC(2025, 0, 1),
    });
    expect(
      parseEvalArgs([
        '--seed',
        '4',
        '--devices',
        '50',
        '--interval-minutes',
        '15',
        '--effects',
        'weather,duty',
      ]),
    ).toMatchObject({
      kind: 'single',
      seed: 4,
      devices: 50,
      intervalMinutes: 15,
      effects: ['weather', 'duty'],
    });
  });

  it('choose the matrix', () => {
    expect(parseEvalArgs(['--matrix'])).toEqual({ kind: 'matrix', matrix: 'full', split: 'all' });
    expect(parseEvalArgs(['--matrix', 'quick'])).toEqual({ kind: 'matrix', matrix: 'quick', split: 'all' });
    expect(parseEvalArgs(['--matrix=quick'])).toEqual({ kind: 'matrix', matrix: 'quick', split: 'all' });
    expect(parseEvalArgs(['--quick'])).toEqual({ kind: 'matrix', matrix: 'quick', split: 'all' });
    expect(parseEvalArgs(['--matrix', '--split', 'tuning'])).toEqual({
      kind: 'matrix',
      matrix: 'full',
      split: 'tuning',
    });
  });

  it.each([
    [['--matrix', 'huge'], /--matrix: expected quick or full/],
    [['--matrix', '--split', 'mine'], /--split: expected one of/],
    [['--split', 'tuning'], /--split goes with --matrix/],
    [['--effects', 'rain'], /--effects: unknown effect rain/],
    [['--devices', 'many'], /--devices: expected a number/],
    [['--start', 'soon'], /--start: expected an ISO 8601 time/],
    [['--bogus'], /bogus/],
  ])('%j is refused with a reason', (argv, message) => {
    const parsed = parseEvalArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message).toMatch(message);
  });
});
