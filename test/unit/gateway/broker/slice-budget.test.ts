import { describe, expect, it } from 'vitest';
import { SliceBudget } from '../../../../gateway/broker/slice-budget.js';

/** A clock that each message advances by `costMs`, and a loop whose next slice runs on `turn()`. */
function harness(budgetMs: number, costMs: number) {
  let clock = 0;
  let deferred: (() => void)[] = [];
  const handled: number[] = [];
  const errors: unknown[] = [];
  const budget = new SliceBudget({
    budgetMs,
    now: () => clock,
    defer: (fn) => deferred.push(fn),
    onError: (error) => errors.push(error),
  });
  const handle = (n: number) => () => {
    if (n < 0) throw new Error(`bad ${n}`);
    clock += costMs;
    handled.push(n);
  };
  return {
    budget,
    handled,
    errors,
    offer(n: number) {
      if (budget.admitsNow()) handle(n)();
      else budget.later(handle(n));
    },
    /** The loop goes round: everything deferred so far runs, as setImmediate callbacks do. */
    turn() {
      const now = deferred;
      deferred = [];
      for (const fn of now) fn();
    },
  };
}

describe('SliceBudget', () => {
  it('handles messages at once while the slice has time left, then defers the rest to later slices', () => {
    const h = harness(5, 1);
    for (let n = 0; n < 12; n++) h.offer(n);
    expect(h.handled).toEqual([0, 1, 2, 3, 4]);
    expect(h.budget.waiting).toBe(7);
    h.turn();
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    h.turn();
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(h.budget.waiting).toBe(0);
  });

  it('keeps arrival order: a message offered while others wait queues behind them', () => {
    const h = harness(2, 1);
    for (let n = 0; n < 4; n++) h.offer(n);
    h.turn();
    // Offered in the slice that drains the queue, after the drain used up the budget.
    for (let n = 4; n < 6; n++) h.offer(n);
    h.turn();
    h.turn();
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('starts a new budget in each slice', () => {
    const h = harness(3, 1);
    for (let n = 0; n < 3; n++) h.offer(n);
    h.turn();
    for (let n = 3; n < 6; n++) h.offer(n);
    expect(h.handled).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.budget.waiting).toBe(0);
  });

  it('reports a task that throws and goes on with the others', () => {
    const h = harness(1, 1);
    h.offer(0);
    h.offer(-1);
    h.offer(2);
    h.turn();
    h.turn();
    expect(h.handled).toEqual([0, 2]);
    expect(h.errors).toHaveLength(1);
  });
});

describe('SliceBudget on the real event loop', () => {
  it('lets a timer due meanwhile run before a long run of messages is finished, and keeps their order', async () => {
    const budget = new SliceBudget({ budgetMs: 5 });
    const handled: number[] = [];
    let handledWhenTimerRan = -1;
    setTimeout(() => (handledWhenTimerRan = handled.length), 0);
    const busyOneMs = (n: number) => () => {
      const until = performance.now() + 1;
      while (performance.now() < until);
      handled.push(n);
    };
    for (let n = 0; n < 60; n++) {
      if (budget.admitsNow()) busyOneMs(n)();
      else budget.later(busyOneMs(n));
    }
    // Without the budget all 60 ms of work would have run before the timer.
    expect(handled.length).toBeLessThan(60);
    await new Promise<void>((resolve) => {
      const check = (): void => void (budget.waiting === 0 ? resolve() : setImmediate(check));
      check();
    });
    expect(handled).toEqual(Array.from({ length: 60 }, (_, n) => n));
    expect(handledWhenTimerRan).toBeGreaterThan(0);
    expect(handledWhenTimerRan).toBeLessThan(60);
  });
});
