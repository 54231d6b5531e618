import type { Result } from '../../common/result.js';

export type AuthRefusal = 'identifier_rejected' | 'bad_credentials' | 'not_authorized' | 'unavailable';

/** The device id the client connects as, or why it may not. */
export type AuthOutcome = Result<string, AuthRefusal>;

/** Decides whether an MQTT CONNECT may proceed, and as which device. */
export interface DeviceAuthenticator {
  authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthOutcome>;
}
