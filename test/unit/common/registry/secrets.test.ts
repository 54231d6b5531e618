import { describe, expect, it } from 'vitest';
import { deviceRegistryRecordSchema, SECRET_HASH_PATTERN } from '../../../../contracts/index.js';
import {
  generateSecret,
  hashSecret,
  hashSecretWithScrypt,
  LEGACY_SCRYPT,
  parseSecretHash,
  verifySecret,
} from '../../../../common/registry/secrets.js';

const SMALL_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const b64 = (bytes: number, fill = 7) => Buffer.alloc(bytes, fill).toString('base64');

describe('device secrets', () => {
  it('generates 256 random bits as base64url', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(secret);
  });

  it('hashes with salted SHA-256 as sha256$salt$hash, and verifies the round trip', async () => {
    const secret = generateSecret();
    const stored = await hashSecret(secret);
    expect(stored).toMatch(/^sha256\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(stored).toMatch(SECRET_HASH_PATTERN);
    expect(await hashSecret(secret)).not.toBe(stored);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(Buffer.from(secret), stored)).toBe(true);
    expect(await verifySecret(`${secret}x`, stored)).toBe(false);
    expect(await verifySecret('', stored)).toBe(false);
  });

  it('still verifies legacy scrypt hashes', async () => {
    const secret = generateSecret();
    const stored = await hashSecretWithScrypt(secret, SMALL_SCRYPT);
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret('wrong', stored)).toBe(false);
  });

  it('never matches a malformed hash', async () => {
    const secret = generateSecret();
    const good = await hashSecret(secret);
    const [, salt, hash] = good.split('$') as [string, string, string];
    const malformed = [
      '',
      secret,
      'sha256',
      'sha256$$',
      `sha256$${salt}`,
      `sha256$${salt}$${hash}$`,
      `SHA256$${salt}$${hash}`,
      `sha256$${salt}$${hash.slice(0, -4)}`,
      `sha256$${salt}$${hash.replace(/=$/, '')}`,
      `sha256$${salt}$${hash}AAAA`,
      `sha256$${salt.replace(/==$/, '')}$${hash}`,
      `sha256$${salt}$${hash.slice(0, 10)}*${hash.slice(11)}`,
      `sha256$$${hash}`,
      `scrypt$16384$8$1$${salt}`,
      `scrypt$16383$8$1$${salt}$${hash}`,
      `scrypt$0$8$1$${salt}$${hash}`,
      `scrypt$16384$8$1$${salt}$`,
      `bcrypt$10$${salt}$${hash}`,
    ];
    for (const stored of malformed) {
      expect(parseSecretHash(stored), stored).toBeUndefined();
      expect(await verifySecret(secret, stored), stored).toBe(false);
    }
  });

  it('refuses scrypt parameters beyond twice the old default work', () => {
    const at = (N: number, r: number, p: number) =>
      parseSecretHash(`scrypt$${N}$${r}$${p}$${b64(16)}$${b64(32)}`);
    expect(at(LEGACY_SCRYPT.N, LEGACY_SCRYPT.r, LEGACY_SCRYPT.p)?.kind).toBe('scrypt');
    expect(at(2 ** 15, 8, 1)?.kind).toBe('scrypt');
    expect(at(2 ** 14, 8, 2)?.kind).toBe('scrypt');
    expect(at(2 ** 16, 8, 1)).toBeUndefined();
    expect(at(2 ** 14, 8, 3)).toBeUndefined();
    expect(at(2 ** 30, 8, 1)).toBeUndefined();
    expect(at(2, 1, 2 ** 18)).toBeUndefined();
  });

  it('the registry record schema takes both formats and refuses oversized scrypt parameters', async () => {
    const record = (secretHash: string) =>
      deviceRegistryRecordSchema.safeParse({ deviceId: 'd1', secretHash, createdAt: 1_700_000_000_000 })
        .success;
    expect(record(await hashSecret('s'))).toBe(true);
    expect(record(`scrypt$16384$8$1$${b64(16)}$${b64(32)}`)).toBe(true);
    expect(record(`scrypt$${2 ** 30}$8$1$${b64(16)}$${b64(32)}`)).toBe(false);
    expect(record(`scrypt$16384$8$16$${b64(16)}$${b64(32)}`)).toBe(false);
    expect(record(`scrypt$12345$8$1$${b64(16)}$${b64(32)}`)).toBe(false);
    expect(record(`sha256$${b64(16)}`)).toBe(false);
  });
});
