import { describe, expect, it, vi } from 'vitest';
import {
  generateSecret,
  hashSecretSync,
  hashSecretWithScrypt,
  verifyScrypt,
  verifySha256,
  type SecretHash,
} from '../../../../common/registry/secrets.js';
import { LegacyScryptVerifier, type ScryptHash } from '../../../../gateway/auth/legacy-scrypt.js';
import {
  RegistryAuthenticator,
  type RegistryLookup,
} from '../../../../gateway/auth/registry-authenticator.js';
import { TokenBuckets } from '../../../../gateway/auth/token-buckets.js';

// Cheap scrypt parameters keep the legacy cases fast; the code path is the same as for N=2^14.
const SMALL_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

class FakeRegistry implements RegistryLookup {
  private readonly records = new Map<string, { secretHash: string }>();
  private readonly listeners: ((deviceId: string) => void)[] = [];

  get(deviceId: string): { secretHash: string } | undefined {
    return this.records.get(deviceId);
  }
  on(_event: 'change', listener: (deviceId: string) => void): this {
    this.listeners.push(listener);
    return this;
  }
  put(deviceId: string, secretHash: string): void {
    this.records.set(deviceId, { secretHash });
    for (const l of this.listeners) l(deviceId);
  }
}

function setup(options: { failuresPerMinute?: number; overall?: TokenBuckets } = {}) {
  let now = 0;
  const clock = { advance: (ms: number) => (now += ms) };
  const registry = new FakeRegistry();
  const sha256 = vi.fn((secret: Buffer, stored: SecretHash & { kind: 'sha256' }) =>
    verifySha256(secret, stored),
  );
  const scrypt = vi.fn((secret: Buffer, stored: ScryptHash) => verifyScrypt(secret, stored));
  const perMinute = options.failuresPerMinute ?? 5;
  const legacy = new LegacyScryptVerifier({
    failuresPerClient: new TokenBuckets(perMinute, perMinute / 60, () => now),
    failuresOverall: options.overall ?? new TokenBuckets(50, 5, () => now),
    verify: scrypt,
  });
  const auth = new RegistryAuthenticator(registry, { legacy, verifySha256: sha256 });
  const login = (id: string, password?: string) =>
    auth.authenticate(id, id, password === undefined ? undefined : Buffer.from(password));
  return { registry, auth, login, sha256, scrypt, clock };
}

function provision(registry: FakeRegistry, id: string): string {
  const secret = generateSecret();
  registry.put(id, hashSecretSync(secret));
  return secret;
}

describe('RegistryAuthenticator', () => {
  it('accepts the right secret and refuses others with the MQTT 3.1.1 reasons', async () => {
    const { registry, auth, login } = setup();
    const secret = provision(registry, 'dev-1');
    expect(await login('dev-1', secret)).toEqual({ ok: true, value: 'dev-1' });
    expect(await login('dev-1', 'wrong')).toMatchObject({ ok: false, code: 'bad_credentials' });
    expect(await auth.authenticate('dev-1', 'dev-2', Buffer.from(secret))).toMatchObject({
      code: 'not_authorized',
    });
    expect(await auth.authenticate('dev-1', undefined, Buffer.from(secret))).toMatchObject({
      code: 'not_authorized',
    });
    expect(await login('not a device id', secret)).toMatchObject({ code: 'identifier_rejected' });
  });

  it('lets the holder in at once after a flood of wrong and missing passwords for its id', async () => {
    const { registry, login } = setup();
    const secret = provision(registry, 'dev-1');
    for (let i = 0; i < 1000; i++) {
      expect((await login('dev-1', `guess-${i}`)).ok).toBe(false);
      expect((await login('dev-1')).ok).toBe(false);
    }
    expect(await login('dev-1', secret)).toEqual({ ok: true, value: 'dev-1' });
  });

  it('checks unknown ids, wrong and missing secrets on the same path, against a hash of the same kind', async () => {
    const { registry, login, sha256, scrypt } = setup();
    provision(registry, 'known');
    const outcomes = [await login('unknown', 'x'), await login('known', 'x'), await login('known')];
    for (const outcome of outcomes) expect(outcome).toMatchObject({ ok: false, code: 'bad_credentials' });
    expect(sha256).toHaveBeenCalledTimes(3);
    const shapes = sha256.mock.calls.map(([, stored]) => [
      stored.kind,
      stored.salt.length,
      stored.hash.length,
    ]);
    expect(shapes).toEqual([
      ['sha256', 16, 32],
      ['sha256', 16, 32],
      ['sha256', 16, 32],
    ]);
    expect(scrypt).not.toHaveBeenCalled();
  });

  it('still accepts a legacy scrypt hash, and runs scrypt once for a holder that logs in again', async () => {
    const { registry, login, scrypt } = setup();
    const secret = generateSecret();
    registry.put('old-1', await hashSecretWithScrypt(secret, SMALL_SCRYPT));
    expect(await login('old-1', secret)).toEqual({ ok: true, value: 'old-1' });
    expect(await login('old-1', secret)).toEqual({ ok: true, value: 'old-1' });
    expect(scrypt).toHaveBeenCalledTimes(1);
    expect(await login('old-1', 'wrong')).toMatchObject({ ok: false, code: 'bad_credentials' });
  });

  it('refuses a record asking for scrypt N=2^30 without running scrypt', async () => {
    const { registry, login, scrypt, sha256 } = setup();
    const salt = Buffer.alloc(16, 1).toString('base64');
    const hash = Buffer.alloc(32, 2).toString('base64');
    registry.put('huge', `scrypt$${2 ** 30}$8$1$${salt}$${hash}`);
    registry.put('wide', `scrypt$16384$1024$64$${salt}$${hash}`);
    expect(await login('huge', 'anything')).toMatchObject({ ok: false, code: 'bad_credentials' });
    expect(await login('wide', 'anything')).toMatchObject({ ok: false, code: 'bad_credentials' });
    expect(scrypt).not.toHaveBeenCalled();
    expect(sha256).toHaveBeenCalledTimes(2);
  });

  it('bounds the scrypt runs a flood of wrong secrets for a legacy id costs', async () => {
    const { registry, login, scrypt, clock } = setup({ failuresPerMinute: 5 });
    const secret = generateSecret();
    registry.put('old-1', await hashSecretWithScrypt(secret, SMALL_SCRYPT));
    const refusals: string[] = [];
    for (let i = 0; i < 50; i++) {
      const outcome = await login('old-1', `guess-${i}`);
      refusals.push(outcome.ok ? 'accepted' : outcome.code);
    }
    expect(scrypt).toHaveBeenCalledTimes(5);
    expect(refusals).toEqual([
      ...Array<string>(5).fill('bad_credentials'),
      ...Array<string>(45).fill('unavailable'),
    ]);
    // The price of a legacy hash: a holder this gateway has not seen yet waits for the budget.
    expect(await login('old-1', secret)).toMatchObject({ ok: false, code: 'unavailable' });
    clock.advance(12_000);
    expect(await login('old-1', secret)).toEqual({ ok: true, value: 'old-1' });
  });

  it('lets a legacy holder it has verified before through a flood for its id', async () => {
    const { registry, login, scrypt } = setup();
    const secret = generateSecret();
    registry.put('old-1', await hashSecretWithScrypt(secret, SMALL_SCRYPT));
    expect((await login('old-1', secret)).ok).toBe(true);
    for (let i = 0; i < 100; i++) await login('old-1', `guess-${i}`);
    expect(await login('old-1', secret)).toEqual({ ok: true, value: 'old-1' });
    expect(scrypt).toHaveBeenCalledTimes(1 + 5);
  });

  it('bounds wrong-secret scrypt work over all legacy ids together', async () => {
    const overall = new TokenBuckets(10, 1, () => 0);
    const { registry, login, scrypt } = setup({ overall });
    const hash = await hashSecretWithScrypt(generateSecret(), SMALL_SCRYPT);
    for (let i = 0; i < 30; i++) registry.put(`old-${i}`, hash);
    for (let i = 0; i < 30; i++) await login(`old-${i}`, 'wrong');
    expect(scrypt).toHaveBeenCalledTimes(10);
  });

  it('runs one scrypt per legacy id at a time', async () => {
    const { registry, login, scrypt } = setup();
    const secret = generateSecret();
    registry.put('old-1', await hashSecretWithScrypt(secret, SMALL_SCRYPT));
    const [first, second] = await Promise.all([login('old-1', 'wrong'), login('old-1', 'wrong too')]);
    expect(first).toMatchObject({ code: 'bad_credentials' });
    expect(second).toMatchObject({ code: 'unavailable' });
    expect(scrypt).toHaveBeenCalledTimes(1);
  });

  it('forgets a verified legacy secret when the record changes', async () => {
    const { registry, login } = setup();
    const old = generateSecret();
    registry.put('dev-1', await hashSecretWithScrypt(old, SMALL_SCRYPT));
    expect((await login('dev-1', old)).ok).toBe(true);
    const rotated = provision(registry, 'dev-1');
    expect(await login('dev-1', old)).toMatchObject({ ok: false, code: 'bad_credentials' });
    expect(await login('dev-1', rotated)).toEqual({ ok: true, value: 'dev-1' });
  });

  it('refuses a legacy login whose record changed while scrypt ran', async () => {
    const { registry, auth } = setup();
    const secret = generateSecret();
    registry.put('dev-1', await hashSecretWithScrypt(secret, SMALL_SCRYPT));
    const pending = auth.authenticate('dev-1', 'dev-1', Buffer.from(secret));
    provision(registry, 'dev-1');
    expect(await pending).toMatchObject({ ok: false, code: 'bad_credentials' });
  });
});

describe('LegacyScryptVerifier', () => {
  it('runs scrypt one at a time and refuses beyond the waiting line', async () => {
    let running = 0;
    let most = 0;
    const verify = vi.fn(async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      return true;
    });
    const legacy = new LegacyScryptVerifier({
      failuresPerClient: new TokenBuckets(5, 1),
      concurrency: 1,
      maxWaiting: 3,
      verify,
    });
    const stored = {
      kind: 'scrypt',
      N: 2,
      r: 1,
      p: 1,
      salt: Buffer.alloc(16),
      hash: Buffer.alloc(32),
    } as const;
    const verdicts = await Promise.all(
      Array.from({ length: 6 }, (_, i) => legacy.check(`d-${i}`, 'h', stored, Buffer.from('s'))),
    );
    expect(verdicts).toEqual(['match', 'match', 'match', 'match', 'busy', 'busy']);
    expect(most).toBe(1);
  });
});
