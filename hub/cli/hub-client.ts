import type { DeviceSummary } from '../devices/device-service.js';

/** The hub answered with an error status; `error` and `reason` are from its JSON body. */
export class HubApiError extends Error {
  override readonly name = 'HubApiError';

  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason?: string,
  ) {
    super(`${status} ${error}${reason === undefined ? '' : `: ${reason}`}`);
  }
}

/** The hub could not be reached or did not answer in time. */
export class HubUnreachableError extends Error {
  override readonly name = 'HubUnreachableError';
}

const REQUEST_TIMEOUT_MS = 30_000;
const PAGE = 1000;

function describeBody(body: unknown): { error: string; reason?: string } {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') {
    const reason = 'reason' in body && typeof body.reason === 'string' ? body.reason : undefined;
    return reason === undefined ? { error: body.error } : { error: body.error, reason };
  }
  return { error: 'unexpected response' };
}

/** The operator HTTP API of one hub. */
export class HubClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async addDevice(
    id: string,
    attributes: Record<string, unknown>,
  ): Promise<DeviceSummary & { secret: string }> {
    return (await this.request('POST', '/api/devices', { id, attributes })) as DeviceSummary & {
      secret: string;
    };
  }

  async listDevices(): Promise<DeviceSummary[]> {
    const all: DeviceSummary[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = (await this.request('GET', `/api/devices?limit=${PAGE}&offset=${offset}`)) as {
        devices: DeviceSummary[];
        total: number;
      };
      all.push(...page.devices);
      if (page.devices.length < PAGE || all.length >= page.total) return all;
    }
  }

  async removeDevice(id: string): Promise<void> {
    await this.request('DELETE', `/api/devices/${encodeURIComponent(id)}`);
  }

  async rotateSecret(id: string): Promise<{ id: string; secret: string }> {
    return (await this.request('POST', `/api/devices/${encodeURIComponent(id)}/secret`)) as {
      id: string;
      secret: string;
    };
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new HubUnreachableError(
        `cannot reach the hub at ${this.baseUrl}: ${cause instanceof Error ? cause.message : String(cause)}`,
      );
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const { error, reason } = describeBody(parsed);
      throw new HubApiError(response.status, error, reason);
    }
    return parsed;
  }
}
