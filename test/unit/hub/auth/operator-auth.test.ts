import { describe, expect, it } from 'vitest';
import {
  OPERATOR_AUTH_REASONS,
  operatorAuthenticator,
  type OperatorAuthFailure,
} from '../../../../hub/auth/operator-auth.js';

const refused = (code: OperatorAuthFailure) => ({ ok: false, code, reason: OPERATOR_AUTH_REASONS[code] });

describe('operatorAuthenticator', () => {
  const authenticate = operatorAuthenticator('the-token');

  it('lets the operator token through', () => {
    expect(authenticate('Bearer the-token')).toEqual({ ok: true });
  });

  it('names why a request is refused', () => {
    expect(authenticate(undefined)).toEqual(refused('missing_token'));
    expect(authenticate('Basic the-token')).toEqual(refused('malformed_header'));
    expect(authenticate('Bearer the-token2')).toEqual(refused('wrong_token'));
  });
});
