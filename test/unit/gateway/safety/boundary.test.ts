import { describe, expect, it } from 'vitest';
import { Boundary, once } from '../../../../gateway/safety/boundary.js';

function counting(): { counts: Map<string, number>; inc: (labels: { boundary: string }) => void } {
  const counts = new Map<string, number>();
  return { counts, inc: ({ boundary }) => counts.set(boundary, (counts.get(boundary) ?? 0) + 1) };
}

const logs: unknown[] = [];
const logger = { error: (...args: unknown[]) => logs.push(args) } as never;

describe('Boundary', () => {
  it('returns the fallback and counts the boundary when the function throws', () => {
    const counter = counting();
    const boundary = new Boundary(counter, logger);
    const result = boundary.run(
      'hook',
      (): number => {
        throw new RangeError('Maximum call stack size exceeded');
      },
      (error) => (error instanceof RangeError ? -1 : -2),
    );
    expect(result).toBe(-1);
    expect(counter.counts.get('hook')).toBe(1);
  });

  it('passes results through untouched when nothing throws', () => {
    const counter = counting();
    const boundary = new Boundary(counter, logger);
    expect(
      boundary.run(
        'hook',
        () => 42,
        () => 0,
      ),
    ).toBe(42);
    expect(counter.counts.size).toBe(0);
  });

  it('guards callbacks and logs a flood of failures at most once a second per boundary', () => {
    const counter = counting();
    let now = 0;
    logs.length = 0;
    const boundary = new Boundary(counter, logger, () => now);
    const listener = boundary.guard('event', (n: number) => {
      throw new Error(`bad ${n}`);
    });
    for (let i = 0; i < 100; i++) listener(i);
    expect(counter.counts.get('event')).toBe(100);
    expect(logs).toHaveLength(1);
    now = 1000;
    listener(1);
    expect(logs).toHaveLength(2);
  });
});

describe('once', () => {
  it('calls through the first time only', () => {
    const calls: number[] = [];
    const callback = once((n: number) => calls.push(n));
    callback(1);
    callback(2);
    expect(calls).toEqual([1]);
  });
});
