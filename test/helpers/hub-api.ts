import type { AcceptedCommand, CommandStatus, CommandView, IssueCommandBody } from '../../contracts/index.js';
import { HubClient } from '../../hub/cli/hub-client.js';
import type { HubProcess } from './hub-process.js';
import { waitFor } from './wait.js';

type HubAddress = Pick<HubProcess, 'url' | 'token'>;

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

/**
 * One raw JSON request to a hub's HTTP API, with the hub's operator token unless told otherwise:
 * for tests of the API itself, which send what no client would and read error answers.
 */
export async function callHub(
  hub: HubAddress,
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

/** The shared, validated API client, as the devices CLI and the simulator use it. */
export function hubClient(hub: HubAddress): HubClient {
  return new HubClient(hub.url, hub.token);
}

export async function provisionDevice(hub: HubAddress, id: string): Promise<void> {
  await hubClient(hub).addDevice(id);
}

/** POST /api/commands; resolves with the accepted command's id and expiresAt. */
export function issueCommand(hub: HubAddress, body: IssueCommandBody): Promise<AcceptedCommand> {
  return hubClient(hub).issueCommand(body);
}

export function getCommand(hub: HubAddress, id: string): Promise<CommandView | undefined> {
  return hubClient(hub).getCommand(id);
}

/** Polls GET /api/commands/{id} until the current status is `status`. */
export function waitForCommandStatus(
  hub: HubAddress,
  id: string,
  status: CommandStatus,
  timeoutMs = 30_000,
): Promise<CommandView> {
  return waitFor(
    async () => {
      const view = await getCommand(hub, id);
      return view?.status === status ? view : undefined;
    },
    timeoutMs,
    `command ${id} to be ${status}`,
  );
}
