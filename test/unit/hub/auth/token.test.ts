import { describe, expect, it } from 'vitest';
import { createTokenVerifier, generateToken } from '../../../../hub/auth/token.js';

describe('createTokenVerifier', () => {
  const verify = createTokenVerifier('s3cr3t-operator-token');

  it('accepts exactly the expected token', () => {
    expect(verify('s3cr3t-operator-token')).toBe(true);
  });

  it('refuses prefixes, extensions, other cases and tokens of other lengths without throwing', () => {
    for (const presented of [
      '',
      's3cr3t',
      's3cr3t-operator-token ',
      's3cr3t-operator-tokeN',
      'x'.repeat(5000),
    ])
      expect(verify(presented), presented.slice(0, 30)).toBe(false);
  });
});

describe('generateToken', () => {
  it('makes distinct 256-bit tokens that HUB_OPERATOR_TOKEN accepts', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
});
