import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
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
const secretReply = z.object({ secret: z.string().min(1) });

/**
 * Devices provisioned through the hub's API: created with a fresh secret, or, when the id exists
 * but its secret was not saved here, given a new one by rotation. Secrets are saved to `file`
 * (mode 0600) so a later run reuses them.
 */
export async function provisioningCredentials(options: ProvisioningOptions): Promise<CredentialSource> {
  const http = options.fetch ?? fetch;
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
  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    http(new URL(path, options.hubUrl), {
      method,
      headers: { authorization: `Bearer ${options.operatorToken}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const secretFrom = async (response: Response, what: string): Promise<string> => {
    if (!response.ok) throw new Error(`${what}: hub answered ${response.status} ${await response.text()}`);
    return secretReply.parse(await response.json()).secret;
  };

  const issue = async (deviceId: string): Promise<string> => {
    const created = await call('POST', '/api/devices', {
      id: deviceId,
      attributes: options.attributesFor?.(deviceId) ?? {},
    });
    if (created.status !== 409) return secretFrom(created, `creating ${deviceId}`);
    return secretFrom(
      await call('POST', `/api/devices/${encodeURIComponent(deviceId)}/secret`),
      `rotating ${deviceId}`,
    );
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
