import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HubApiError, HubClient } from '../../hub/cli/hub-client.js';
import type { CredentialSource, DeviceCredentials } from './credentials.js';

export interface ProvisioningOptions {
  /** Base URL of the hub, e.g. http://127.0.0.1:8080. */
  hubUrl: string;
  operatorToken: string;
  /** Where secrets are kept between runs, so a second run reuses the devices it created. */
  file: string;
  /** Registry attributes of a device, e.g. its machine type. */
  attributesFor?: (deviceId: string) => Record<string, string>;
  fetch?: typeof fetch;
}

const savedSchema = z.record(z.string(), z.string());

/**
 * Devices provisioned through the hub's API: created with a fresh secret, or, when the id exists
 * but its secret was not saved here, given a new one by rotation. Secrets are saved to `file`
 * (mode 0600) so a later run reuses them.
 */
export async function provisioningCredentials(options: ProvisioningOptions): Promise<CredentialSource> {
  const hub = new HubClient(
    options.hubUrl,
    options.operatorToken,
    options.fetch === undefined ? {} : { fetch: options.fetch },
  );
  const saved = new Map<string, string>(Object.entries(await loadSaved(options.file)));
  let saving: Promise<void> = Promise.resolve();
  let dirty = false;
  const save = (): Promise<void> => {
    dirty = true;
    saving = saving.then(async () => {
      if (!dirty) return;
      dirty = false;
      await mkdir(dirname(options.file), { recursive: true });
      const temp = `${options.file}.tmp`;
      await writeFile(temp, JSON.stringify(Object.fromEntries(saved), null, 1), { mode: 0o600 });
      await rename(temp, options.file);
    });
    return saving;
  };
  const issue = async (deviceId: string): Promise<string> => {
    try {
      return (await hub.addDevice(deviceId, options.attributesFor?.(deviceId) ?? {})).secret;
    } catch (error) {
      if (!(error instanceof HubApiError && error.status === 409)) throw error;
    }
    return (await hub.rotateSecret(deviceId)).secret;
  };

  return {
    name: 'provision',
    async credentialsFor(deviceId): Promise<DeviceCredentials> {
      let secret = saved.get(deviceId);
      if (secret === undefined) {
        secret = await issue(deviceId);
        saved.set(deviceId, secret);
        await save();
      }
      return { clientId: deviceId, username: deviceId, password: Buffer.from(secret) };
    },
  };
}

async function loadSaved(file: string): Promise<Record<string, string>> {
  try {
    return savedSchema.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read saved credentials from ${file}: ${(error as Error).message}`);
  }
}
