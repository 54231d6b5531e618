import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../../hub/http/errors.js';
import { paramsBytes, parseCommandIdParam, parseListQuery } from '../../../../hub/commands/requests.js';

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

describe('paramsBytes', () => {
  it('counts UTF-8 bytes of the JSON', () => {
    expect(paramsBytes({})).toBe(2);
    expect(paramsBytes({ a: 'é' })).toBe('{"a":"é"}'.length + 1);
  });
});

describe('parseListQuery', () => {
  it('defaults and validates limit and deviceId; refuses unknown and repeated parameters', () => {
    expect(parseListQuery(new URLSearchParams(''))).toEqual({ limit: 50 });
    expect(parseListQuery(new URLSearchParams('deviceId=pump-1&limit=3'))).toEqual({
      deviceId: 'pump-1',
      limit: 3,
    });
    expect(reasonOf(() => parseListQuery(new URLSearchParams('limit=0')))).toMatch(
      /limit: must be at least 1/,
    );
    expect(reasonOf(() => parseListQuery(new URLSearchParams('limit=501')))).toMatch(/at most 500/);
    expect(reasonOf(() => parseListQuery(new URLSearchParams('limit=x')))).toMatch(/limit/);
    expect(reasonOf(() => parseListQuery(new URLSearchParams('deviceId=a/b')))).toMatch(
      /device id must match/,
    );
    expect(reasonOf(() => parseListQuery(new URLSearchParams('device=a')))).toMatch(
      /unknown query parameter device/,
    );
    expect(reasonOf(() => parseListQuery(new URLSearchParams('limit=1&limit=2')))).toMatch(/more than once/);
  });
});

describe('parseCommandIdParam', () => {
  it("takes UUIDs and other producers' ids, refuses anything else", () => {
    expect(parseCommandIdParam('0b6e4a4e-8d0c-4a53-9f87-2f1d8c3b9d11')).toBe(
      '0b6e4a4e-8d0c-4a53-9f87-2f1d8c3b9d11',
    );
    expect(parseCommandIdParam('erp:42')).toBe('erp:42');
    expect(reasonOf(() => parseCommandIdParam('a b'))).toMatch(/invalid command id in path/);
    expect(reasonOf(() => parseCommandIdParam(undefined))).toMatch(/invalid command id/);
  });
});
