export type AuthRefusal = 'identifier_rejected' | 'bad_credentials' | 'not_authorized' | 'unavailable';

export type AuthOutcome =
  { ok: true; deviceId: string } | { ok: false; refusal: AuthRefusal; reason: string };

/** Decides whether an MQTT CONNECT may proceed, and as which device. */
export interface DeviceAuthenticator {
  authenticate(
    clientId: string,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<AuthOutcome>;
}
