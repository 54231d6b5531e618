import { describe, expect, it } from 'vitest';
import { operatorAuthenticator } from '../../../../hub/auth/operator-auth.js';

describe('operatorAuthenticator', () => {
  const authenticate = operatorAuthenticator('the-token');

  it('lets the operator token through', () => {
    expect(authenticate('Bearer the-token')).toEqual({ ok: true });
  });

  it('names why a request is refused', () => {
    expect(authenticate(undefined)).toEqual({ ok: false, failure: 'missing_token' });
    expect(authenticate('Basic the-token')).toEqual({ ok: false, failure: 'malformed_header' });
    expect(authenticate('Bearer the-token2')).toEqual({ ok: false, failure: 'wrong_token' });
  });
});
