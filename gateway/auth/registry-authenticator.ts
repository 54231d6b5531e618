import { randomBytes } from 'node:crypto';
import { failure, success } from '../../common/result.js';
import { isValidDeviceId } from '../../contracts/index.js';
import {
  hashSecretSync,
  parseSecretHash,
  verifySha256,
  type SecretHash,
} from '../../common/registry/secrets.js';
import type { AuthOutcome, AuthRefusal, DeviceAuthenticator } from './authenticator.js';
import type { LegacyScryptVerifier, ScryptHash } from './legacy-scrypt.js';

type Sha256Hash = SecretHash & { kind: 'sha256' };

/** The part of the registry view that logins read. */
export interface RegistryLookup {
  get(deviceId: string): { secretHash: string } | undefined;
  on(event: 'change', listener: (deviceId: string) => void): unknown;
}

export interface RegistryAuthenticatorOptions {
  legacy: LegacyScryptVerifier;
  verifySha256?: (secret: Buffer, stored: Sha256Hash) => boolean;
}

function refuse(refusal: AuthRefusal, reason: string): AuthOutcome {
  return failure(refusal, reason);
}

/**
 * DEVICE_AUTH=registry: client id = username = a registered device id, password = its secret.
 * Nothing here counts failures against an id: every attempt is checked against the secret, so
 * nobody else's attempts can keep the holder out. Unknown ids and unusable records are checked
 * against a dummy hash of the kind the hub writes, so they cost what a wrong secret costs and
 * get the same answer: the broker does not reveal which ids exist.
 */
export class RegistryAuthenticator implements DeviceAuthenticator {
  private readonly dummy = parseSecretHash(hashSecretSync(randomBytes(32))) as Sha256Hash;
  private readonly verifySha256: (secret: Buffer, stored: Sha256Hash) => boolean;

  constructor(
    private readonly registry: RegistryLookup,
    private readonly options: RegistryAuthenticatorOptions,
  ) {
    this.verifySha256 = options.verifySha256 ?? verifySha256;
    registry.on('change', (deviceId) => options.legacy.forget(deviceId));
  }

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthOutcome> {
    if (!isValidDeviceId(clientId))
      return refuse('identifier_rejected', 'client id is not a valid device id');
    if (username !== clientId) return refuse('not_authorized', 'username must equal the client id');
    const record = this.registry.get(clientId);
    const stored = record ? parseSecretHash(record.secretHash) : undefined;
    const secret = password ?? Buffer.alloc(0);
    if (record && stored?.kind === 'scrypt')
      return this.legacyLogin(clientId, record.secretHash, stored, secret);
    const usable = stored?.kind === 'sha256' ? stored : undefined;
    const matched = this.verifySha256(secret, usable ?? this.dummy);
    if (matched && usable) return success(clientId);
    return refuse(
      'bad_credentials',
      !record ? 'unknown device' : usable ? 'wrong secret' : 'unusable secret hash in the registry',
    );
  }

  private async legacyLogin(
    deviceId: string,
    secretHash: string,
    stored: ScryptHash,
    secret: Buffer,
  ): Promise<AuthOutcome> {
    const verdict = await this.options.legacy.check(deviceId, secretHash, stored, secret);
    if (verdict === 'busy') {
      return refuse('unavailable', 'legacy scrypt hash and too many wrong secrets lately; retry later');
    }
    if (verdict === 'mismatch') return refuse('bad_credentials', 'wrong secret');
    // The registry may have changed while scrypt ran; only accept, and remember, the hash just checked.
    if (this.registry.get(deviceId)?.secretHash !== secretHash) {
      return refuse('bad_credentials', 'secret changed during login');
    }
    this.options.legacy.remember(deviceId, secretHash, secret);
    return success(deviceId);
  }
}
