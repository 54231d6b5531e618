import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../../device-sim/duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['1500ms', 1500],
    ['30', 30_000],
    ['2.5s', 2500],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
  ])('reads %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it.each(['', 'abc', '5x', '-1s', '1 h'])('refuses %j', (text) => {
    expect(parseDurationMs(text)).toBeNull();
  });
});
