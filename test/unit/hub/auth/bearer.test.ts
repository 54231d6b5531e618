import { describe, expect, it } from 'vitest';
import { bearerFromAuthorization } from '../../../../hub/auth/bearer.js';

const missing = { ok: false, code: 'missing', reason: 'no Authorization header' };
const malformed = {
  ok: false,
  code: 'malformed',
  reason: 'the Authorization header is not "Bearer <token>"',
};

describe('bearerFromAuthorization', () => {
  it('takes the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerFromAuthorization('Bearer abc.DEF-123')).toEqual({ ok: true, value: 'abc.DEF-123' });
    expect(bearerFromAuthorization('bearer x')).toEqual({ ok: true, value: 'x' });
    expect(bearerFromAuthorization('BEARER  y ')).toEqual({ ok: true, value: 'y' });
    expect(bearerFromAuthorization('Bearer a=b/c+d~!$')).toEqual({ ok: true, value: 'a=b/c+d~!$' });
  });

  it('tells a missing header from a malformed one', () => {
    expect(bearerFromAuthorization(undefined)).toEqual(missing);
    expect(bearerFromAuthorization('  ')).toEqual(missing);
    for (const header of ['Bearer', 'Bearer ', 'Basic dXNlcjpwdw==', 'Bearer a b', 'Bearerabc', 'Bearer tök'])
      expect(bearerFromAuthorization(header), header).toEqual(malformed);
  });
});
