import { afterEach, describe, expect, it, vi } from 'vitest';
import { UNMONITORED } from '../../../../common/kafka/consumer-monitor.js';
import { HandlerGuard, ReadPositions } from '../../../../common/kafka/read-positions.js';
import type { Logger } from '../../../../common/logger.js';

function capturingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push({ level, fields, message });
  const logger = { error: at('error'), warn: at('warn') } as unknown as Logger;
  return { logger, lines };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ReadPositions', () => {
  it('goes on after a handled record and keeps one position a partition', () => {
    const positions = new ReadPositions();
    positions.set({ topic: 't', partition: 0, offset: '3' });
    positions.passed('t', 0, '9');
    positions.passed('t', 1, '0');
    expect(positions.all()).toEqual([
      { topic: 't', partition: 0, offset: '10' },
      { topic: 't', partition: 1, offset: '1' },
    ]);
  });

  it('moves positions outside their log to its oldest record, and says so', async () => {
    const { logger, lines } = capturingLogger();
    const positions = new ReadPositions();
    positions.set({ topic: 't', partition: 0, offset: '2' });
    positions.set({ topic: 't', partition: 1, offset: '40' });
    positions.set({ topic: 't', partition: 2, offset: '5' });
    await positions.keepInLog(
      () =>
        Promise.resolve([
          { partition: 0, low: '0', high: '2' },
          { partition: 1, low: '0', high: '3' },
          { partition: 2, low: '8', high: '9' },
        ]),
      'registry',
      logger,
    );
    expect(positions.all().map((p) => p.offset)).toEqual(['2', '0', '8']);
    expect(lines.map((l) => [l.level, l.fields.partition])).toEqual([
      ['warn', 1],
      ['warn', 2],
    ]);
  });
});

describe('HandlerGuard', () => {
  it('counts every failure but logs at most one every 10 s, with how many it left out', async () => {
    vi.useFakeTimers();
    const { logger, lines } = capturingLogger();
    const skipped: string[] = [];
    const guard = new HandlerGuard(
      'registry',
      { ...UNMONITORED, skipped: (t, r) => skipped.push(`${t}:${r}`) },
      logger,
    );
    const fail = (): never => {
      throw new Error('poison');
    };
    const place = (offset: string) => ({ topic: 't', partition: 0, offset });
    expect(await guard.run(fail, place('1'))).toBe(false);
    expect(await guard.run(fail, place('2'))).toBe(false);
    expect(await guard.run(() => undefined, place('3'))).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(await guard.run(fail, place('4'))).toBe(false);
    expect(skipped).toEqual(['t:handler_error', 't:handler_error', 't:handler_error']);
    expect(lines.map((l) => [l.fields.offset, l.fields.notLoggedSince, l.fields.err])).toEqual([
      ['1', 0, 'poison'],
      ['4', 1, 'poison'],
    ]);
  });
});
