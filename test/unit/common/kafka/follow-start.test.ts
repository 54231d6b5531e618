import { describe, expect, it } from 'vitest';
import { followStart } from '../../../../common/kafka/follow-start.js';

const bounds = [
  { partition: 0, low: '2', high: '10' },
  { partition: 1, low: '0', high: '0' },
  { partition: 2, low: '5', high: '7' },
];

describe('followStart', () => {
  it('from the beginning starts at the oldest record kept and owes everything up to the end', () => {
    expect(followStart('t', bounds, 'beginning')).toEqual({
      starts: [
        { topic: 't', partition: 0, offset: '2' },
        { topic: 't', partition: 1, offset: '0' },
        { topic: 't', partition: 2, offset: '5' },
      ],
      ends: [
        { topic: 't', partition: 0, end: 10, start: 2 },
        { topic: 't', partition: 1, end: 0, start: 0 },
        { topic: 't', partition: 2, end: 7, start: 5 },
      ],
    });
  });

  it('from now starts at the end and owes nothing', () => {
    const { starts, ends } = followStart('t', bounds, 'now');
    expect(starts.map((s) => s.offset)).toEqual(['10', '0', '7']);
    expect(ends).toEqual([]);
  });

  it('from a timestamp starts at the first record at or after it, or at the end where there is none', () => {
    const found = new Map([
      [0, '6'],
      [2, '-1'],
    ]);
    const { starts, ends } = followStart('t', bounds, { timestamp: 1_000 }, found);
    expect(starts.map((s) => s.offset)).toEqual(['6', '0', '7']);
    expect(ends.map((e) => [e.start, e.end])).toEqual([
      [6, 10],
      [0, 0],
      [7, 7],
    ]);
  });
});
