import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { scryptParamsAllowed } from '../../contracts/index.js';

// Device secrets are 256 random bits made by generateSecret(): nothing can be guessed, so a slow
// hash would only slow down every login. A salted SHA-256 keeps a leaked registry topic from
// revealing secrets, and costs a microsecond per login.
const SALT_BYTES = 16;
const SHA256_BYTES = 32;

/** The scrypt parameters the hub used before it switched to SHA-256; older records still carry them. */
export const LEGACY_SCRYPT = { N: 2 ** 14, r: 8, p: 1 } as const;

export type SecretHash =
  | { kind: 'sha256'; salt: Buffer; hash: Buffer }
  | { kind: 'scrypt'; N: number; r: number; p: number; salt: Buffer; hash: Buffer };

/** A new device secret: 32 random bytes, base64url, shown once to whoever provisions the device. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

function sha256(salt: Buffer, secret: Buffer | string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

/** `sha256$saltB64$hashB64`, the hash of SHA-256(salt ‖ secret). */
export function hashSecretSync(secret: Buffer | string): string {
  const salt = randomBytes(SALT_BYTES);
  return ['sha256', salt.toString('base64'), sha256(salt, secret).toString('base64')].join('$');
}

/** What the hub stores for a new or rotated secret. */
export function hashSecret(secret: string): Promise<string> {
  return Promise.resolve(hashSecretSync(secret));
}

function scrypt(
  secret: Buffer | string,
  salt: Buffer,
  keyLength: number,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(secret, salt, keyLength, { ...params, maxmem: 64 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** The legacy format `scrypt$N$r$p$saltB64$hashB64`, for tests and for records written before. */
export async function hashSecretWithScrypt(
  secret: string,
  params: { N: number; r: number; p: number } = LEGACY_SCRYPT,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(secret, salt, 32, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Strict base64: Buffer.from() skips characters it does not know, so decode and compare back. */
function base64(text: string, minBytes: number, maxBytes: number): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return bytes.length >= minBytes && bytes.length <= maxBytes ? bytes : undefined;
}

function decimal(text: string): number {
  return /^[1-9]\d{0,6}$/.test(text) ? Number(text) : NaN;
}

/**
 * A stored hash, or undefined when it is malformed or names scrypt parameters beyond
 * SCRYPT_MAX_COST: such a record never matches, and costs nothing to refuse.
 */
export function parseSecretHash(stored: string): SecretHash | undefined {
  const parts = stored.split('$');
  if (parts[0] === 'sha256' && parts.length === 3) {
    const salt = base64(parts[1] ?? '', 8, 64);
    const hash = base64(parts[2] ?? '', SHA256_BYTES, SHA256_BYTES);
    return salt && hash ? { kind: 'sha256', salt, hash } : undefined;
  }
  if (parts[0] === 'scrypt' && parts.length === 6) {
    const [N, r, p] = parts.slice(1, 4).map(decimal) as [number, number, number];
    if (!scryptParamsAllowed(N, r, p)) return undefined;
    const salt = base64(parts[4] ?? '', 8, 64);
    const hash = base64(parts[5] ?? '', 16, 64);
    return salt && hash ? { kind: 'scrypt', N, r, p, salt, hash } : undefined;
  }
  return undefined;
}

export function verifySha256(secret: Buffer, stored: SecretHash & { kind: 'sha256' }): boolean {
  return timingSafeEqual(sha256(stored.salt, secret), stored.hash);
}

export async function verifyScrypt(
  secret: Buffer,
  stored: SecretHash & { kind: 'scrypt' },
): Promise<boolean> {
  try {
    const key = await scrypt(secret, stored.salt, stored.hash.length, {
      N: stored.N,
      r: stored.r,
      p: stored.p,
    });
    return timingSafeEqual(key, stored.hash);
  } catch {
    return false;
  }
}

/** Checks a secret against a stored hash of either format in constant time; a malformed hash never matches. */
export async function verifySecret(secret: Buffer | string, stored: string): Promise<boolean> {
  const parsed = parseSecretHash(stored);
  const bytes = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
  if (!parsed) return false;
  return parsed.kind === 'sha256' ? verifySha256(bytes, parsed) : verifyScrypt(bytes, parsed);
}
