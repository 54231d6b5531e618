import type { Logger } from '../../common/logger.js';
import type { Config } from '../../config/index.js';
import type { DeviceAuthenticator } from '../auth/authenticator.js';
import { LegacyScryptVerifier } from '../auth/legacy-scrypt.js';
import { OpenAuthenticator } from '../auth/open-authenticator.js';
import { RefusalLog, withRefusalLog } from '../auth/refusal-log.js';
import { RegistryAuthenticator } from '../auth/registry-authenticator.js';
import { TokenBuckets } from '../auth/token-buckets.js';
import type { DeviceRegistryView } from '../../common/registry/device-registry.js';

export interface DeviceAdmission {
  authenticator: DeviceAuthenticator;
  /** Whether a CONNECT that proved its secret may go on, given how often this client id connected. */
  admitConnect(clientId: string): boolean;
}

function openAuthenticator(logger: Logger): DeviceAuthenticator {
  logger.warn(
    'DEVICE_AUTH=none: any client whose id is a valid device id may connect without credentials. ' +
      'Use this for local development only.',
  );
  return new OpenAuthenticator();
}

/** Who may connect: the registry's devices (or anyone, with DEVICE_AUTH=none), at a bounded rate. */
export function deviceAdmission(
  config: Config['gateway'],
  registry: DeviceRegistryView | undefined,
  log: Logger,
): DeviceAdmission {
  const failedLogins = config.failedLoginsPerClientPerMinute;
  const inner = registry
    ? new RegistryAuthenticator(registry, {
        legacy: new LegacyScryptVerifier({
          failuresPerClient: new TokenBuckets(failedLogins, failedLogins / 60),
        }),
      })
    : openAuthenticator(log);
  const refusals = new RefusalLog(log.child({ component: 'auth' }));
  // Spent only by CONNECTs that proved the secret (the broker's authenticate hook asks after
  // authentication): it stops a reconnect loop or two clones of a device taking turns, and nobody
  // without the secret can use it up.
  const connectBuckets = new TokenBuckets(
    config.connectsPerClientPerMinute,
    config.connectsPerClientPerMinute / 60,
  );
  return {
    authenticator: withRefusalLog(inner, refusals),
    admitConnect(clientId) {
      if (connectBuckets.take(clientId)) return true;
      refusals.refused(clientId, 'too many connects for this client id');
      return false;
    },
  };
}
