import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Hashing first gives both sides the same length, so neither the comparison time nor an early
// length check tells a caller how much of the token, or how long a token, it got right.
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A constant-time check of presented tokens against `expected`. */
export function createTokenVerifier(expected: string): (presented: string) => boolean {
  const expectedDigest = digest(expected);
  return (presented) => timingSafeEqual(digest(presented), expectedDigest);
}

/** 256 random bits, base64url: visible ASCII without spaces, as HUB_OPERATOR_TOKEN requires. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}
