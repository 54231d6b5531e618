import type { z } from 'zod';
import { AppError } from '../../common/errors.js';
import {
  COMMANDS_PATH,
  DEVICES_PATH,
  MAX_PAGE_LIMIT,
  acceptedCommandSchema,
  apiErrorBodySchema,
  commandListSchema,
  commandPath,
  commandViewSchema,
  createdDeviceSchema,
  deviceHistoryPath,
  deviceHistorySchema,
  deviceListSchema,
  devicePath,
  deviceSecretPath,
  deviceSummarySchema,
  rotatedSecretSchema,
  summarizeIssues,
  type AcceptedCommand,
  type CommandSummary,
  type CommandView,
  type CreatedDevice,
  type DeviceHistory,
  type DeviceSummary,
  type IssueCommandBody,
  type JsonObject,
  type RotatedSecret,
} from '../../contracts/index.js';

/**
 * The hub answered with an error status (`error` and `reason` from its JSON body), or with a body
 * the API contract does not allow (`error` is `invalid_response`, `reason` says what is wrong).
 */
export class HubApiError extends AppError<'hub_refused'> {
  override readonly name = 'HubApiError';

  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason?: string,
  ) {
    super('hub_refused', `${status} ${error}${reason === undefined ? '' : `: ${reason}`}`, {
      retriable: status === 503,
    });
  }
}

/** The hub could not be reached or did not answer in time. */
export class HubUnreachableError extends AppError<'hub_unreachable'> {
  override readonly name = 'HubUnreachableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('hub_unreachable', message, { retriable: true, cause: options?.cause });
  }
}

const REQUEST_TIMEOUT_MS = 30_000;

export interface HubClientOptions {
  /** For tests: the fetch to send requests with. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

function describeError(body: unknown): { error: string; reason?: string } {
  const parsed = apiErrorBodySchema.safeParse(body);
  if (!parsed.success) return { error: 'unexpected response' };
  const { error, reason } = parsed.data;
  return reason === undefined ? { error } : { error, reason };
}

function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
  return query.size === 0 ? path : `${path}?${query.toString()}`;
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The operator HTTP API of one hub, for the devices CLI, the simulator, the bench and the tests.
 * Every answer is checked against its schema in contracts/, so a caller never holds a reply
 * that only looks like the type it was promised.
 */
export class HubClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
    options: HubClientOptions = {},
  ) {
    this.fetch = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  addDevice(id: string, attributes: JsonObject = {}): Promise<CreatedDevice> {
    return this.request('POST', DEVICES_PATH, createdDeviceSchema, { id, attributes });
  }

  /** Every device, page after page. */
  async listDevices(): Promise<DeviceSummary[]> {
    const all: DeviceSummary[] = [];
    for (let offset = 0; ; offset += MAX_PAGE_LIMIT) {
      const path = withQuery(DEVICES_PATH, { limit: MAX_PAGE_LIMIT, offset });
      const page = await this.request('GET', path, deviceListSchema);
      all.push(...page.devices);
      if (page.devices.length < MAX_PAGE_LIMIT || all.length >= page.total) return all;
    }
  }

  /** Undefined when the hub holds no such device. */
  getDevice(id: string): Promise<DeviceSummary | undefined> {
    return this.unlessNotFound(this.request('GET', devicePath(id), deviceSummarySchema));
  }

  async removeDevice(id: string): Promise<void> {
    await this.request('DELETE', devicePath(id), undefined);
  }

  rotateSecret(id: string): Promise<RotatedSecret> {
    return this.request('POST', deviceSecretPath(id), rotatedSecretSchema);
  }

  issueCommand(command: IssueCommandBody): Promise<AcceptedCommand> {
    return this.request('POST', COMMANDS_PATH, acceptedCommandSchema, command);
  }

  /** Undefined when the hub knows no such command. */
  getCommand(id: string): Promise<CommandView | undefined> {
    return this.unlessNotFound(this.request('GET', commandPath(id), commandViewSchema));
  }

  /** The newest commands, of one device or of all. */
  async listCommands(filter: { deviceId?: string; limit?: number } = {}): Promise<CommandSummary[]> {
    const path = withQuery(COMMANDS_PATH, { deviceId: filter.deviceId, limit: filter.limit });
    return (await this.request('GET', path, commandListSchema)).commands;
  }

  deviceHistory(deviceId: string, query: { since?: number; metric?: string } = {}): Promise<DeviceHistory> {
    const path = withQuery(deviceHistoryPath(deviceId), { since: query.since, metric: query.metric });
    return this.request('GET', path, deviceHistorySchema);
  }

  private async unlessNotFound<T>(answer: Promise<T>): Promise<T | undefined> {
    try {
      return await answer;
    } catch (error) {
      if (error instanceof HubApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private request<T>(method: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T>;
  private request(method: string, path: string, schema: undefined, body?: unknown): Promise<void>;
  private async request<T>(
    method: string,
    path: string,
    schema: z.ZodType<T> | undefined,
    body?: unknown,
  ): Promise<T | void> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new HubUnreachableError(
        `cannot reach the hub at ${this.baseUrl}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause: error },
      );
    }
    const parsed = parseJson(await response.text());
    if (!response.ok) {
      const { error, reason } = describeError(parsed);
      throw new HubApiError(response.status, error, reason);
    }
    if (schema === undefined) return;
    const checked = schema.safeParse(parsed);
    if (!checked.success)
      throw new HubApiError(
        response.status,
        'invalid_response',
        `${method} ${path.split('?')[0]} answered ${summarizeIssues(checked.error.issues)}`,
      );
    return checked.data;
  }
}
