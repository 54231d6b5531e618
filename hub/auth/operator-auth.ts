import { failure, success, type Result } from '../../common/result.js';
import { bearerFromAuthorization } from './bearer.js';
import { createTokenVerifier } from './token.js';

export type OperatorAuthFailure = 'missing_token' | 'malformed_header' | 'wrong_token';

export type OperatorAuthResult = Result<void, OperatorAuthFailure>;

export const OPERATOR_AUTH_REASONS: Readonly<Record<OperatorAuthFailure, string>> = {
  missing_token: 'missing bearer token: send "Authorization: Bearer <operator token>"',
  malformed_header: 'malformed Authorization header: expected "Bearer <operator token>"',
  wrong_token: 'the bearer token is not the operator token',
};

const refused = (code: OperatorAuthFailure): OperatorAuthResult => failure(code, OPERATOR_AUTH_REASONS[code]);

/** Checks an HTTP `Authorization` header against the operator token. */
export function operatorAuthenticator(
  token: string,
): (authorization: string | undefined) => OperatorAuthResult {
  const verify = createTokenVerifier(token);
  return (authorization) => {
    const bearer = bearerFromAuthorization(authorization);
    if (!bearer.ok) return refused(bearer.code === 'missing' ? 'missing_token' : 'malformed_header');
    return verify(bearer.value) ? success(undefined) : refused('wrong_token');
  };
}
