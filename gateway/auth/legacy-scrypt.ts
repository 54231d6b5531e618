import { createHash, timingSafeEqual } from 'node:crypto';
import { verifyScrypt, type SecretHash } from '../../common/registry/secrets.js';
import { TokenBuckets } from './token-buckets.js';

export type ScryptHash = SecretHash & { kind: 'scrypt' };
export type LegacyVerdict = 'match' | 'mismatch' | 'busy';

export interface LegacyScryptOptions {
  /** Wrong secrets checked with scrypt, per client id (GATEWAY_FAILED_LOGINS_PER_CLIENT_PER_MINUTE). */
  failuresPerClient: TokenBuckets;
  /** Wrong secrets checked with scrypt, all ids together. */
  failuresOverall?: TokenBuckets;
  /** scrypt runs at a time; more wait in line, up to `maxWaiting`. */
  concurrency?: number;
  maxWaiting?: number;
  verify?: (secret: Buffer, stored: ScryptHash) => Promise<boolean>;
}

// One scrypt at a time keeps a legacy reconnect storm to one libuv thread (about a core here), so
// the event loop and the other threadpool users go on. Wrong secrets may cost at most 5 runs a
// second for the whole gateway, about a tenth of a core; a burst of 50 covers a handful of
// misconfigured devices.
const DEFAULT_CONCURRENCY = 1;
const DEFAULT_MAX_WAITING = 200;
const OVERALL = 'all';

function digest(secret: Buffer): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * Logins against the legacy `scrypt$...` hashes, which cost ~40 ms of CPU each. A secret that
 * passed scrypt is remembered as a SHA-256 per device, so the holder's later logins cost one hash
 * and no budget. Any other attempt needs scrypt, and wrong secrets spend a per-id and a gateway-wide
 * budget: when either is empty, attempts that would need scrypt are refused unchecked ('busy').
 * That is the price of these hashes: while wrong secrets for a legacy id keep coming, its holder
 * gets 'busy' on a gateway that has not seen it log in. Rotating the secret (a SHA-256 hash) ends it.
 */
export class LegacyScryptVerifier {
  private readonly verified = new Map<string, { secretHash: string; digest: Buffer }>();
  private readonly checking = new Set<string>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly failuresOverall: TokenBuckets;
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private readonly verify: (secret: Buffer, stored: ScryptHash) => Promise<boolean>;

  constructor(private readonly options: LegacyScryptOptions) {
    this.failuresOverall = options.failuresOverall ?? new TokenBuckets(50, 5);
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.maxWaiting = options.maxWaiting ?? DEFAULT_MAX_WAITING;
    this.verify = options.verify ?? verifyScrypt;
  }

  async check(
    deviceId: string,
    secretHash: string,
    stored: ScryptHash,
    secret: Buffer,
  ): Promise<LegacyVerdict> {
    const cached = this.verified.get(deviceId);
    if (cached && cached.secretHash === secretHash && timingSafeEqual(cached.digest, digest(secret))) {
      return 'match';
    }
    // One scrypt per id at a time: a flood for one id holds at most one place in line.
    if (
      this.checking.has(deviceId) ||
      !this.options.failuresPerClient.has(deviceId) ||
      !this.failuresOverall.has(OVERALL) ||
      (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting)
    ) {
      return 'busy';
    }
    this.checking.add(deviceId);
    try {
      if (await this.inTurn(() => this.verify(secret, stored))) return 'match';
      this.options.failuresPerClient.take(deviceId);
      this.failuresOverall.take(OVERALL);
      return 'mismatch';
    } finally {
      this.checking.delete(deviceId);
    }
  }

  /** The secret passed `check` against the hash that is still current: later logins skip scrypt. */
  remember(deviceId: string, secretHash: string, secret: Buffer): void {
    this.verified.set(deviceId, { secretHash, digest: digest(secret) });
  }

  forget(deviceId: string): void {
    this.verified.delete(deviceId);
  }

  private async inTurn<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
