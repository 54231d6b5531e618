import { afterEach, describe, expect, it, vi } from 'vitest';
import { CatchUp, countingReads } from '../../../../common/kafka/catch-up.js';
import type { ConsumedRecord, RecordBatch } from '../../../../common/kafka/port.js';

afterEach(() => {
  vi.useRealTimers();
});

const settled = (catchUp: CatchUp): Promise<boolean> =>
  Promise.race([catchUp.done.then(() => true), Promise.resolve().then(() => false)]);

describe('CatchUp', () => {
  it('is done at once when no partition holds records', async () => {
    expect(await settled(new CatchUp([{ topic: 't', partition: 0, end: 5, start: 5 }]))).toBe(true);
  });

  it('is done once the last record of every partition was read', async () => {
    const catchUp = new CatchUp([
      { topic: 't', partition: 0, end: 3, start: 0 },
      { topic: 't', partition: 1, end: 1, start: 0 },
    ]);
    catchUp.read('t', 0, '2');
    expect(await settled(catchUp)).toBe(false);
    catchUp.read('t', 1, '0');
    expect(await settled(catchUp)).toBe(true);
  });

  it('settles when nothing arrives for the idle time although an end offset was never read', async () => {
    vi.useFakeTimers();
    const catchUp = new CatchUp([{ topic: 'devices', partition: 0, end: 10, start: 0 }]);
    const reported: string[][] = [];
    catchUp.settleWhenIdle(1000, (pending) => reported.push(pending));
    catchUp.read('devices', 0, '7');
    vi.advanceTimersByTime(900);
    catchUp.read('devices', 0, '8');
    vi.advanceTimersByTime(900);
    expect(await settled(catchUp)).toBe(false);
    vi.advanceTimersByTime(200);
    expect(await settled(catchUp)).toBe(true);
    expect(reported).toEqual([['devices:0']]);
  });
});

describe('countingReads', () => {
  const record = (offset: string): ConsumedRecord => ({
    topic: 't',
    partition: 0,
    message: { key: null, value: null, offset },
  });

  it('counts a record as read whether its handler went through or threw', async () => {
    const catchUp = new CatchUp([{ topic: 't', partition: 0, end: 2, start: 0 }]);
    const handler = countingReads(
      {
        batched: true,
        eachRecord: ({ message }) => {
          if (message.offset === '1') throw new Error('bad record');
        },
      },
      catchUp,
    );
    if (!('eachRecord' in handler)) throw new Error('a record handler was expected');
    expect(handler.batched).toBe(true);
    await handler.eachRecord(record('0'));
    expect(await settled(catchUp)).toBe(false);
    await expect(handler.eachRecord(record('1'))).rejects.toThrow('bad record');
    expect(await settled(catchUp)).toBe(true);
  });

  it('counts a batch by its last record, also when the batch handler threw', async () => {
    const catchUp = new CatchUp([{ topic: 't', partition: 3, end: 8, start: 0 }]);
    const handler = countingReads({ eachBatch: () => Promise.reject(new Error('store down')) }, catchUp);
    if (!('eachBatch' in handler)) throw new Error('a batch handler was expected');
    const batch = (offsets: string[]): RecordBatch => ({
      topic: 't',
      partition: 3,
      messages: offsets.map((offset) => ({ key: null, value: null, offset })),
      heartbeat: () => Promise.resolve(),
    });
    await expect(handler.eachBatch(batch(['5', '6']))).rejects.toThrow('store down');
    expect(catchUp.pending).toBe(1);
    await expect(handler.eachBatch(batch([]))).rejects.toThrow('store down');
    await expect(handler.eachBatch(batch(['7']))).rejects.toThrow('store down');
    expect(await settled(catchUp)).toBe(true);
  });
});
