import type { HubProcess } from './hub-process.js';
import { waitFor } from './wait.js';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export interface CallOptions {
  body?: unknown;
  raw?: string;
  /** null sends no Authorization header. */
  token?: string | null;
  contentType?: string;
}

/** One JSON request to a hub's HTTP API, with the hub's operator token unless told otherwise. */
export async function callHub(
  hub: Pick<HubProcess, 'url' | 'token'>,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = {};
  const bearer = options.token === undefined ? hub.token : options.token;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  };
}

export interface CommandAnswer {
  command: Record<string, unknown> & { id: string; expiresAt: number; issuedAt: number };
  status: string;
  updatedAt: number;
  history: { status: string; at: number; gatewayId?: string; detail?: string }[];
}

export async function provisionDevice(hub: Pick<HubProcess, 'url' | 'token'>, id: string): Promise<void> {
  const answer = await callHub(hub, 'POST', '/api/devices', { body: { id } });
  if (answer.status !== 201)
    throw new Error(`provisioning ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** POST /api/commands, expecting 202; resolves with the new command's id and expiresAt. */
export async function issueCommand(
  hub: Pick<HubProcess, 'url' | 'token'>,
  body: { deviceId: string; name: string; params?: Record<string, unknown>; ttlMs?: number },
): Promise<{ id: string; expiresAt: number }> {
  const answer = await callHub(hub, 'POST', '/api/commands', { body });
  if (answer.status !== 202) throw new Error(`issuing: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as { id: string; expiresAt: number };
}

export async function getCommand(
  hub: Pick<HubProcess, 'url' | 'token'>,
  id: string,
): Promise<CommandAnswer | undefined> {
  const answer = await callHub(hub, 'GET', `/api/commands/${encodeURIComponent(id)}`);
  if (answer.status === 404) return undefined;
  if (answer.status !== 200)
    throw new Error(`GET command ${id}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as unknown as CommandAnswer;
}

/** Polls GET /api/commands/{id} until the current status is `status`. */
export function waitForCommandStatus(
  hub: Pick<HubProcess, 'url' | 'token'>,
  id: string,
  status: string,
  timeoutMs = 30_000,
): Promise<CommandAnswer> {
  return waitFor(
    async () => {
      const view = await getCommand(hub, id);
      return view?.status === status ? view : undefined;
    },
    timeoutMs,
    `command ${id} to be ${status}`,
  );
}
