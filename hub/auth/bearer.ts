import { failure, success, type Result } from '../../common/result.js';

/** The bearer token, or whether the header was missing or malformed. */
export type BearerResult = Result<string, 'missing' | 'malformed'>;

// RFC 6750 2.1: the scheme is case-insensitive (RFC 9110 11.1); the token is one run of visible
// ASCII, which is also what HUB_OPERATOR_TOKEN allows.
const BEARER = /^bearer +([\x21-\x7E]+) *$/i;

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerFromAuthorization(header: string | undefined): BearerResult {
  if (header === undefined || header.trim() === '') return failure('missing', 'no Authorization header');
  const match = BEARER.exec(header);
  return match?.[1] === undefined
    ? failure('malformed', 'the Authorization header is not "Bearer <token>"')
    : success(match[1]);
}
