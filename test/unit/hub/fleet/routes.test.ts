import { describe, expect, it } from 'vitest';
import { parseHistoryQuery } from '../../../../hub/fleet/routes.js';

describe('parseHistoryQuery', () => {
  it('reads since and metric, and refuses anything else', () => {
    expect(parseHistoryQuery(new URLSearchParams(''))).toEqual({});
    expect(parseHistoryQuery(new URLSearchParams('since=1000&metric=temp_c'))).toEqual({
      since: 1000,
      metric: 'temp_c',
    });
    for (const bad of ['since=-1', 'since=abc', 'metric=a b', 'limit=1', 'since=1&since=2'])
      expect(() => parseHistoryQuery(new URLSearchParams(bad)), bad).toThrow();
  });
});
