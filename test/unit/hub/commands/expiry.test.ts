import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandStatusRecord } from '../../../../contracts/index.js';
import { createLogger } from '../../../../common/logger.js';
import { CommandTracker } from '../../../../hub/commands/command-tracker.js';
import { ExpiryEnforcer } from '../../../../hub/commands/expiry-enforcer.js';
import { ExpiryQueue } from '../../../../hub/commands/expiry-queue.js';
import { ExpiryScheduler } from '../../../../hub/commands/expiry-scheduler.js';
import { T0, command, status } from './fixtures.js';

describe('ExpiryQueue', () => {
  it('hands out due ids earliest first and keeps the rest', () => {
    const queue = new ExpiryQueue();
    for (const [id, at] of [
      ['c', 30],
      ['a', 10],
      ['e', 50],
      ['b', 20],
      ['d', 40],
      ['a2', 10],
    ] as const)
      queue.push({ id, at });
    expect(queue.popDue(5)).toEqual([]);
    expect(queue.popDue(30).sort()).toEqual(['a', 'a2', 'b', 'c']);
    expect(queue.peek()).toEqual({ id: 'd', at: 40 });
    expect(queue.popDue(1000)).toEqual(['d', 'e']);
    expect(queue.size).toBe(0);
  });
});

describe('ExpiryScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires each deadline when it passes, with one timer for all', () => {
    const due: string[][] = [];
    const scheduler = new ExpiryScheduler({ now: Date.now, onDue: (ids) => due.push(ids) });
    scheduler.schedule('late', T0 + 5000);
    scheduler.schedule('past', T0 - 1);
    scheduler.start();
    scheduler.schedule('soon', T0 + 1000);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(0);
    expect(due).toEqual([['past']]);
    vi.advanceTimersByTime(999);
    expect(due).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(due).toEqual([['past'], ['soon']]);
    vi.advanceTimersByTime(4000);
    expect(due).toEqual([['past'], ['soon'], ['late']]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires nothing before start and nothing after stop', () => {
    const due: string[][] = [];
    const scheduler = new ExpiryScheduler({ now: Date.now, onDue: (ids) => due.push(ids) });
    scheduler.schedule('a', T0 + 10);
    vi.advanceTimersByTime(100);
    expect(due).toEqual([]);
    scheduler.start();
    scheduler.stop();
    vi.advanceTimersByTime(100);
    expect(due).toEqual([]);
    expect(scheduler.scheduled).toBe(1);
  });
});

describe('ExpiryEnforcer', () => {
  let tracker: CommandTracker;
  let written: CommandStatusRecord[][];
  let failNext: boolean;
  let enforcer: ExpiryEnforcer;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    tracker = new CommandTracker({
      retentionMs: 3_600_000,
      orphanTtlMs: 60_000,
      maxOrphans: 10,
      now: Date.now,
    });
    written = [];
    failNext = false;
    const log = {
      writeStatuses: (records: readonly CommandStatusRecord[]) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('broker down'));
        }
        written.push([...records]);
        // The hub reads its own records back from Kafka.
        for (const record of records) tracker.applyStatus(record);
        return Promise.resolve();
      },
    };
    enforcer = new ExpiryEnforcer({
      tracker,
      log,
      now: Date.now,
      retryMs: 5000,
      logger: createLogger('test', 'silent'),
    });
  });
  afterEach(() => {
    enforcer.stop();
    vi.useRealTimers();
  });

  it('after a restart expires what is overdue at once and the rest on time; finished ones never', async () => {
    tracker.addCommand(command('overdue', { issuedAt: T0 - 120_000, expiresAt: T0 - 1 }));
    tracker.addCommand(command('later', { expiresAt: T0 + 10_000 }));
    tracker.addCommand(command('done', { expiresAt: T0 + 5_000 }));
    tracker.applyStatus(status('done', 'succeeded'));
    enforcer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(written).toEqual([
      [{ id: 'overdue', deviceId: 'dev-1', status: 'expired', at: T0, detail: 'no result before expiresAt' }],
    ]);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(written[1]).toEqual([
      expect.objectContaining({ id: 'later', status: 'expired', at: T0 + 10_000 }),
    ]);
    expect(tracker.get('later')?.status).toBe('expired');
    expect(tracker.get('done')?.status).toBe('succeeded');
  });

  it('schedules commands added while running, skips those that finish first, and retries a failed write', async () => {
    enforcer.start();
    tracker.addCommand(command('answered', { expiresAt: T0 + 1000 }));
    tracker.addCommand(command('silent', { expiresAt: T0 + 2000 }));
    tracker.applyStatus(status('answered', 'failed'));
    failNext = true;
    await vi.advanceTimersByTimeAsync(2000);
    expect(written).toEqual([]);
    expect(tracker.isPending('silent')).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(written).toEqual([[expect.objectContaining({ id: 'silent', status: 'expired' })]]);
  });
});
