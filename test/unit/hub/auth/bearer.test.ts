import { describe, expect, it } from 'vitest';
import { bearerFromAuthorization } from '../../../../hub/auth/bearer.js';

describe('bearerFromAuthorization', () => {
  it('takes the token of a Bearer header, whatever the scheme case', () => {
    expect(bearerFromAuthorization('Bearer abc.DEF-123')).toEqual({ ok: true, token: 'abc.DEF-123' });
    expect(bearerFromAuthorization('bearer x')).toEqual({ ok: true, token: 'x' });
    expect(bearerFromAuthorization('BEARER  y ')).toEqual({ ok: true, token: 'y' });
    expect(bearerFromAuthorization('Bearer a=b/c+d~!$')).toEqual({ ok: true, token: 'a=b/c+d~!$' });
  });

  it('tells a missing header from a malformed one', () => {
    expect(bearerFromAuthorization(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(bearerFromAuthorization('  ')).toEqual({ ok: false, reason: 'missing' });
    for (const header of ['Bearer', 'Bearer ', 'Basic dXNlcjpwdw==', 'Bearer a b', 'Bearerabc', 'Bearer tök'])
      expect(bearerFromAuthorization(header), header).toEqual({ ok: false, reason: 'malformed' });
  });
});
