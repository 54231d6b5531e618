import { createHash, timingSafeEqual } from 'node:crypto';
import { isValidDeviceId } from '../../contracts/index.js';
import { verifySecret } from '../../common/registry/secrets.js';
import type { DeviceRegistryView } from '../../common/registry/device-registry.js';
import type { AuthOutcome, DeviceAuthenticator } from './authenticator.js';
import type { TokenBuckets } from './token-buckets.js';

function digest(secret: Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * DEVICE_AUTH=registry: client id = username = a registered device id, password = its secret.
 * Unknown device and wrong secret get the same answer, so the broker does not reveal which ids exist.
 */
export class RegistryAuthenticator implements DeviceAuthenticator {
  // A SHA-256 of a secret that passed scrypt, per device, so reconnect storms cost one hash each.
  // Secrets are 256 random bits, so a fast digest of one held in memory gives nothing away.
  private readonly verified = new Map<string, { secretHash: string; digest: Buffer }>();

  constructor(
    private readonly registry: DeviceRegistryView,
    private readonly failedLogins: TokenBuckets,
  ) {
    registry.on('change', (deviceId) => this.verified.delete(deviceId));
  }

  async authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthOutcome> {
    if (!isValidDeviceId(clientId))
      return { ok: false, refusal: 'identifier_rejected', reason: 'client id is not a valid device id' };
    if (!this.failedLogins.has(clientId)) {
      return { ok: false, refusal: 'not_authorized', reason: 'too many failed logins; try again later' };
    }
    if (username !== clientId) {
      this.failedLogins.take(clientId);
      return { ok: false, refusal: 'not_authorized', reason: 'username must equal the client id' };
    }
    const record = this.registry.get(clientId);
    if (!record || !password || password.length === 0) {
      this.failedLogins.take(clientId);
      return { ok: false, refusal: 'bad_credentials', reason: record ? 'no password' : 'unknown device' };
    }
    const presented = digest(password);
    const cached = this.verified.get(clientId);
    if (cached && cached.secretHash === record.secretHash && timingSafeEqual(cached.digest, presented)) {
      return { ok: true, deviceId: clientId };
    }
    if (!(await verifySecret(password.toString('utf8'), record.secretHash))) {
      this.failedLogins.take(clientId);
      return { ok: false, refusal: 'bad_credentials', reason: 'wrong secret' };
    }
    // The registry may have changed while scrypt ran; only cache against the hash just checked.
    if (this.registry.get(clientId)?.secretHash === record.secretHash) {
      this.verified.set(clientId, { secretHash: record.secretHash, digest: presented });
      return { ok: true, deviceId: clientId };
    }
    return { ok: false, refusal: 'bad_credentials', reason: 'secret changed during login' };
  }
}
