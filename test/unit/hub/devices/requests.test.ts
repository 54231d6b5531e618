import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../hub/http/errors.js';
import { parseDeviceIdParam, parsePageQuery } from '../../../../hub/devices/requests.js';

function reasonOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    return (error as HttpError).reason;
  }
  throw new Error('expected a 400');
}

describe('parsePageQuery', () => {
  const parse = (q: string) => parsePageQuery(new URLSearchParams(q));

  it('defaults to the first 100 and reads limit and offset', () => {
    expect(parse('')).toEqual({ limit: 100, offset: 0 });
    expect(parse('limit=1000&offset=20')).toEqual({ limit: 1000, offset: 20 });
  });

  it('answers 400 with a reason for anything else', () => {
    expect(reasonOf(() => parse('limit=0'))).toBe('limit: must be at least 1');
    expect(reasonOf(() => parse('limit=1001'))).toBe('limit: must be at most 1000');
    expect(reasonOf(() => parse('limit=-1'))).toBe('limit: must be a non-negative integer');
    expect(reasonOf(() => parse('offset=1.5'))).toBe('offset: must be a non-negative integer');
    expect(reasonOf(() => parse('limit=1&limit=2'))).toBe('query parameter limit is given more than once');
    expect(reasonOf(() => parse('constructor=1'))).toBe(
      'unknown query parameter constructor; use limit and offset',
    );
  });
});

describe('parseDeviceIdParam', () => {
  it('passes valid ids and names the rule a bad one breaks', () => {
    expect(parseDeviceIdParam('pump-1')).toBe('pump-1');
    expect(reasonOf(() => parseDeviceIdParam('..'))).toMatch(
      /^invalid device id in path: device id must match/,
    );
    expect(reasonOf(() => parseDeviceIdParam(undefined))).toMatch(/^invalid device id in path/);
  });
});
