/** What a device presents when it connects. The MQTT client id must equal the device id. */
export interface DeviceCredentials {
  clientId: string;
  username?: string;
  password?: Buffer;
}

/**
 * Where devices get their credentials. `none` suits a gateway running with DEVICE_AUTH=none;
 * a registry-backed source (provisioning each device through the hub first) slots in here.
 */
export interface CredentialSource {
  readonly name: string;
  /** Called once per device before its first connection. */
  credentialsFor(deviceId: string): Promise<DeviceCredentials>;
}

export const noCredentials: CredentialSource = {
  name: 'none',
  credentialsFor: (deviceId) => Promise.resolve({ clientId: deviceId }),
};

export const CREDENTIAL_SOURCES = ['none', 'provision'] as const;
export type CredentialSourceName = (typeof CREDENTIAL_SOURCES)[number];
