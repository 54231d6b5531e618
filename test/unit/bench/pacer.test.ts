import { describe, expect, it } from 'vitest';
import { dueSends, runPaced } from '../../../bench/pacer.js';

describe('dueSends', () => {
  it('is the whole number of sends due so far', () => {
    expect(dueSends(1000, 0)).toBe(0);
    expect(dueSends(1000, 2.5)).toBe(2);
    expect(dueSends(7000, 1000)).toBe(7000);
    expect(dueSends(100, -5)).toBe(0);
  });
});

describe('runPaced', () => {
  it('sends rate x time, in order, spread over the time', async () => {
    const sent: { k: number; at: number }[] = [];
    const started = Date.now();
    const result = await runPaced(2000, 0.2, (k) => sent.push({ k, at: Date.now() - started }));
    expect(result.sent).toBe(400);
    expect(sent.map((s) => s.k)).toEqual(Array.from({ length: 400 }, (_, i) => i));
    // The last send is due 199.5 ms in: the sends cannot all happen at once.
    expect((sent.at(-1)?.at ?? 0) - (sent[0]?.at ?? 0)).toBeGreaterThanOrEqual(150);
  });
});
