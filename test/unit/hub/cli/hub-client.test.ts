import { describe, expect, it } from 'vitest';
import { HubApiError, HubClient, HubUnreachableError } from '../../../../hub/cli/hub-client.js';

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from `answers` in turn and records what it was sent. */
function fakeHub(...answers: { status: number; body?: unknown }[]) {
  const sent: Sent[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    sent.push({
      method: init?.method ?? 'GET',
      url: input instanceof Request ? input.url : input.toString(),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const answer = answers.shift();
    if (answer === undefined) return Promise.reject(new Error('no answer left'));
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    return Promise.resolve(new Response(answer.status === 204 ? null : text, { status: answer.status }));
  };
  return { sent, client: new HubClient('http://hub.test/', 'tok', { fetch }) };
}

async function refusal(promise: Promise<unknown>): Promise<HubApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HubApiError);
  return error as HubApiError;
}

const device = { id: 'pump-1', createdAt: 1_700_000_000_000, attributes: { site: 'north' } };

describe('HubClient', () => {
  it('sends the operator token and a JSON body, and returns the validated answer', async () => {
    const { sent, client } = fakeHub({ status: 201, body: { ...device, secret: 's3cret', extra: 1 } });
    expect(await client.addDevice('pump-1', { site: 'north' })).toEqual({ ...device, secret: 's3cret' });
    expect(sent).toEqual([
      {
        method: 'POST',
        url: 'http://hub.test/api/devices',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: { id: 'pump-1', attributes: { site: 'north' } },
      },
    ]);
  });

  it('says clearly which route answered what when a reply breaks the contract', async () => {
    const { client } = fakeHub({ status: 201, body: { ...device } });
    const error = await refusal(client.addDevice('pump-1'));
    expect(error.status).toBe(201);
    expect(error.error).toBe('invalid_response');
    expect(error.message).toBe(
      '201 invalid_response: POST /api/devices answered secret: Invalid input: expected string, received undefined',
    );
  });

  it('treats a reply that is not JSON as one that breaks the contract', async () => {
    const { client } = fakeHub({ status: 200 });
    const error = await refusal(client.rotateSecret('pump-1'));
    expect(error.error).toBe('invalid_response');
    expect(error.reason).toMatch(/^POST \/api\/devices\/pump-1\/secret answered \(root\): /);
  });

  it('turns an error answer into HubApiError with its code and reason', async () => {
    const { client } = fakeHub(
      { status: 409, body: { error: 'conflict', reason: 'device pump-1 already exists' } },
      { status: 502, body: { message: 'bad gateway' } },
    );
    const conflict = await refusal(client.addDevice('pump-1'));
    expect(conflict).toMatchObject({
      status: 409,
      error: 'conflict',
      reason: 'device pump-1 already exists',
    });
    expect(conflict.message).toBe('409 conflict: device pump-1 already exists');
    expect(await refusal(client.addDevice('pump-1'))).toMatchObject({
      status: 502,
      error: 'unexpected response',
    });
  });

  it('answers undefined for a device or command the hub does not have', async () => {
    const { client } = fakeHub(
      { status: 404, body: { error: 'not_found', reason: 'no device x' } },
      { status: 404, body: { error: 'not_found', reason: 'no command c' } },
      { status: 401, body: { error: 'unauthorized' } },
    );
    expect(await client.getDevice('x')).toBeUndefined();
    expect(await client.getCommand('c')).toBeUndefined();
    expect(await refusal(client.getCommand('c'))).toMatchObject({ status: 401 });
  });

  it('lists every device, page after page', async () => {
    const page = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({ ...device, id: `d-${String(from + i).padStart(4, '0')}` }));
    const { sent, client } = fakeHub(
      { status: 200, body: { devices: page(1000, 0), total: 1002, limit: 1000, offset: 0 } },
      { status: 200, body: { devices: page(2, 1000), total: 1002, limit: 1000, offset: 1000 } },
    );
    expect(await client.listDevices()).toHaveLength(1002);
    expect(sent.map((s) => s.url)).toEqual([
      'http://hub.test/api/devices?limit=1000&offset=0',
      'http://hub.test/api/devices?limit=1000&offset=1000',
    ]);
  });

  it('builds command and history requests from the contract paths', async () => {
    const command = {
      id: 'c-1',
      deviceId: 'pump-1',
      name: 'reboot',
      params: {},
      issuedAt: 1000,
      expiresAt: 2000,
      issuedBy: 'operator:http',
    };
    const history = {
      deviceId: 'pump-1',
      since: 0,
      until: 10,
      bucketMs: 1000,
      telemetry: { times: [], metrics: {} },
      health: { times: [], health: [], rulHours: [] },
    };
    const { sent, client } = fakeHub(
      { status: 202, body: { id: 'c-1', status: 'queued', expiresAt: 2000 } },
      { status: 200, body: { commands: [{ command, status: 'queued', updatedAt: 1000 }], limit: 5 } },
      { status: 200, body: history },
      { status: 204 },
    );
    expect(await client.issueCommand({ deviceId: 'pump-1', name: 'reboot' })).toEqual({
      id: 'c-1',
      status: 'queued',
      expiresAt: 2000,
    });
    expect(await client.listCommands({ deviceId: 'pump-1', limit: 5 })).toEqual([
      { command, status: 'queued', updatedAt: 1000 },
    ]);
    expect(await client.deviceHistory('pump-1', { since: 0 })).toEqual(history);
    await client.removeDevice('pump-1');
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST http://hub.test/api/commands',
      'GET http://hub.test/api/commands?deviceId=pump-1&limit=5',
      'GET http://hub.test/api/devices/pump-1/history?since=0',
      'DELETE http://hub.test/api/devices/pump-1',
    ]);
  });

  it('reports a hub it cannot reach as unreachable', async () => {
    const { client } = fakeHub();
    await expect(client.listDevices()).rejects.toThrow(HubUnreachableError);
    await expect(client.listDevices()).rejects.toThrow(
      /^cannot reach the hub at http:\/\/hub\.test\/: no answer left$/,
    );
  });
});
