import { afterEach, describe, expect, it, vi } from 'vitest';
import { CatchUp } from '../../../../common/kafka/catch-up.js';

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
