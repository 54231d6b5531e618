import { describe, expect, it } from 'vitest';
import { summarizeIssues } from '../../../../contracts/index.js';
import { HttpError } from '../../../../hub/http/errors.js';
import {
  issueRequestSchema,
  paramsBytes,
  parseCommandIdParam,
  parseListQuery,
} from '../../../../hub/commands/requests.js';

const schema = issueRequestSchema({ defaultTtlMs: 60_000, maxTtlMs: 3_600_000, maxParamsBytes: 8192 });

function problem(body: unknown): string {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`accepted ${JSON.stringify(body)}`);
  return summarizeIssues(result.error.issues);
}

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

describe('issueRequestSchema', () => {
  it('fills in params and the default TTL', () => {
    expect(schema.parse({ deviceId: 'pump-1', name: 'reboot' })).toEqual({
      deviceId: 'pump-1',
      name: 'reboot',
      params: {},
      ttlMs: 60_000,
    });
    expect(schema.parse({ deviceId: 'p', name: 'set-load', params: { load: 1 }, ttlMs: 1000 }).ttlMs).toBe(
      1000,
    );
  });

  it('never defaults beyond the maximum', () => {
    const tight = issueRequestSchema({ defaultTtlMs: 60_000, maxTtlMs: 5000, maxParamsBytes: 8192 });
    expect(tight.parse({ deviceId: 'p', name: 'reboot' }).ttlMs).toBe(5000);
  });

  it('refuses what breaks a rule, saying which', () => {
    const base = { deviceId: 'pump-1', name: 'reboot' };
    expect(problem({ ...base, ttlMs: 999 })).toMatch(/ttlMs: ttlMs must be at least 1000/);
    expect(problem({ ...base, ttlMs: 3_600_001 })).toMatch(
      /ttlMs must be at most 3600000 \(COMMAND_MAX_TTL_MS\)/,
    );
    expect(problem({ ...base, ttlMs: 1000.5 })).toMatch(/ttlMs must be an integer/);
    expect(problem({ ...base, ttlMs: '5000' })).toMatch(/ttlMs/);
    expect(problem({ ...base, params: [] })).toMatch(/^params:/);
    expect(problem({ ...base, params: null })).toMatch(/^params:/);
    expect(problem({ ...base, name: 'Reboot' })).toMatch(/command name must match/);
    expect(problem({ ...base, name: 'a/b' })).toMatch(/command name must match/);
    expect(problem({ ...base, deviceId: '-x' })).toMatch(/device id must match/);
    expect(problem({ name: 'reboot' })).toMatch(/deviceId/);
    expect(problem({ ...base, expiresAt: 1 })).toMatch(/Unrecognized key: "expiresAt"/);
  });
});

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
