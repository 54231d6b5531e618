import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EX_CONFIG } from '../../../config/index.js';
import { verifySecret } from '../../../common/registry/secrets.js';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { runHubToExit, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { kcatReadAll } from '../../helpers/processes.js';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

interface Call {
  body?: unknown;
  raw?: string;
  token?: string | null;
  contentType?: string;
}

describe('hub devices API', () => {
  const ctx = useTestTopics({ partitions: 2 });
  const token = `op-${randomBytes(24).toString('base64url')}`;
  let hub: HubProcess;
  /** Every answer except those that hand out a secret, for the leak scan. */
  const answers: string[] = [];
  const secrets: string[] = [];

  async function call(method: string, path: string, options: Call = {}): Promise<Answer> {
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
    const answer = {
      status: response.status,
      headers: response.headers,
      text,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
    const handsOutSecret = typeof answer.body.secret === 'string';
    if (handsOutSecret) secrets.push(answer.body.secret as string);
    else answers.push(`${JSON.stringify([...response.headers])}\n${text}`);
    return answer;
  }

  const create = (id: string, attributes?: Record<string, unknown>) =>
    call('POST', '/api/devices', { body: attributes === undefined ? { id } : { id, attributes } });

  async function registryRecords(): Promise<{ key: string; value: string }[]> {
    return kcatReadAll(KAFKA_BROKERS, ctx.topics.devices);
  }

  beforeAll(async () => {
    hub = await startHubProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, HUB_OPERATOR_TOKEN: token });
  });
  afterAll(async () => {
    await hub?.stop('SIGKILL');
  });

  it('creates a device and hands out its secret once; the same id again is a conflict', async () => {
    const before = Date.now();
    const created = await create('pump-1', { site: 'north', floor: 2 });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys(created.body).sort()).toEqual(['attributes', 'createdAt', 'id', 'secret']);
    expect(created.body).toMatchObject({ id: 'pump-1', attributes: { site: 'north', floor: 2 } });
    expect(created.body.createdAt).toBeGreaterThanOrEqual(before);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const again = await create('pump-1');
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ error: 'conflict', reason: 'device pump-1 already exists' });

    const record = (await registryRecords()).filter((r) => r.key === 'pump-1').at(-1);
    const stored = JSON.parse(record?.value ?? '{}') as Record<string, unknown>;
    expect(stored).toMatchObject({ deviceId: 'pump-1', attributes: { site: 'north', floor: 2 } });
    expect(await verifySecret(created.body.secret as string, stored.secretHash as string)).toBe(true);
  });

  it('lists and gets devices, right after creating them, without secrets or hashes', async () => {
    expect((await create('pump-2')).status).toBe(201);
    expect((await create('valve.7_a')).status).toBe(201);

    const list = await call('GET', '/api/devices');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 3, limit: 100, offset: 0 });
    const devices = list.body.devices as Record<string, unknown>[];
    expect(devices.map((d) => d.id)).toEqual(['pump-1', 'pump-2', 'valve.7_a']);
    for (const device of devices)
      expect(Object.keys(device).sort()).toEqual(['attributes', 'createdAt', 'id']);

    const one = await call('GET', '/api/devices/valve.7_a');
    expect(one.status).toBe(200);
    expect(one.body).toEqual({ id: 'valve.7_a', createdAt: expect.any(Number) as number, attributes: {} });

    const page = await call('GET', '/api/devices?limit=1&offset=1');
    expect(page.body).toMatchObject({ total: 3, limit: 1, offset: 1 });
    expect((page.body.devices as { id: string }[]).map((d) => d.id)).toEqual(['pump-2']);
  });

  it('removes a device: 204, then 404, and a tombstone in the registry', async () => {
    expect((await create('doomed')).status).toBe(201);
    const removed = await call('DELETE', '/api/devices/doomed');
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect((await call('GET', '/api/devices/doomed')).body).toEqual({
      error: 'not_found',
      reason: 'no device doomed',
    });
    expect((await call('DELETE', '/api/devices/doomed')).status).toBe(404);
    const records = (await registryRecords()).filter((r) => r.key === 'doomed');
    expect(records.at(-1)?.value).toBe('');
  });

  it('rotates a secret: the new one works, the old one no longer does, the rest is kept', async () => {
    const created = await create('rotor', { model: 'x1' });
    const rotated = await call('POST', '/api/devices/rotor/secret');
    expect(rotated.status).toBe(200);
    expect(Object.keys(rotated.body).sort()).toEqual(['id', 'secret']);
    expect(rotated.body.id).toBe('rotor');
    expect(rotated.body.secret).not.toBe(created.body.secret);

    const record = (await registryRecords()).filter((r) => r.key === 'rotor').at(-1);
    const stored = JSON.parse(record?.value ?? '{}') as Record<string, unknown>;
    expect(stored).toMatchObject({ createdAt: created.body.createdAt, attributes: { model: 'x1' } });
    expect(await verifySecret(rotated.body.secret as string, stored.secretHash as string)).toBe(true);
    expect(await verifySecret(created.body.secret as string, stored.secretHash as string)).toBe(false);
    expect((await call('POST', '/api/devices/nobody/secret')).status).toBe(404);
  });

  it('answers bad requests with a JSON error and a reason', async () => {
    const big = JSON.stringify({ id: 'big', attributes: { blob: 'x'.repeat(70 * 1024) } });
    const cases: [string, Promise<Answer>, number, string, RegExp][] = [
      ['non-JSON', call('POST', '/api/devices', { raw: '{"id":' }), 400, 'invalid_request', /not JSON/],
      ['empty', call('POST', '/api/devices', { raw: '' }), 400, 'invalid_request', /empty/],
      [
        'text',
        call('POST', '/api/devices', { raw: 'a', contentType: 'text/plain' }),
        415,
        'unsupported_media_type',
        /application\/json/,
      ],
      [
        'unknown key',
        call('POST', '/api/devices', { body: { id: 'k', colour: 'red' } }),
        400,
        'invalid_request',
        /Unrecognized key: "colour"/,
      ],
      [
        'bad id',
        call('POST', '/api/devices', { body: { id: '-bad' } }),
        400,
        'invalid_request',
        /device id must match/,
      ],
      ['no id', call('POST', '/api/devices', { body: { attributes: {} } }), 400, 'invalid_request', /id/],
      [
        'array attributes',
        call('POST', '/api/devices', { body: { id: 'arr', attributes: [] } }),
        400,
        'invalid_request',
        /attributes/,
      ],
      ['too large', call('POST', '/api/devices', { raw: big }), 413, 'payload_too_large', /65536 bytes/],
      [
        'bad path id',
        call('GET', '/api/devices/bad%20id'),
        400,
        'invalid_request',
        /invalid device id in path/,
      ],
      [
        'slash in id',
        call('DELETE', '/api/devices/a%2Fb'),
        400,
        'invalid_request',
        /invalid device id in path/,
      ],
      ['bad limit', call('GET', '/api/devices?limit=abc'), 400, 'invalid_request', /limit/],
      [
        'unknown query',
        call('GET', '/api/devices?limt=1'),
        400,
        'invalid_request',
        /unknown query parameter limt/,
      ],
      ['unknown route', call('GET', '/api/gadgets'), 404, 'not_found', /\/api\/gadgets/],
      ['wrong method', call('PUT', '/api/devices/pump-1'), 405, 'method_not_allowed', /DELETE, GET, HEAD/],
    ];
    for (const [name, pending, status, error, reason] of cases) {
      const answer = await pending;
      expect({ name, status: answer.status }).toEqual({ name, status });
      expect(answer.headers.get('content-type'), name).toMatch(/^application\/json/);
      expect(Object.keys(answer.body).sort(), name).toEqual(['error', 'reason']);
      expect(answer.body.error, name).toBe(error);
      expect(answer.body.reason, name).toMatch(reason);
    }
    const list = await call('GET', '/api/devices');
    expect((list.body.devices as { id: string }[]).map((d) => d.id)).not.toContain('big');
  });

  it('refuses /api without the operator token: 401 with WWW-Authenticate', async () => {
    const attempts: [string, string, Call][] = [
      ['GET', '/api/devices', { token: null }],
      ['GET', '/api/devices', { token: `${token}x` }],
      ['GET', '/api/devices', { token: '' }],
      ['POST', '/api/devices', { token: 'nope', body: { id: 'intruder' } }],
      ['DELETE', '/api/devices/pump-1', { token: null }],
      ['POST', '/api/devices/pump-1/secret', { token: 'nope' }],
      ['GET', '/api/gadgets', { token: null }],
    ];
    for (const [method, path, options] of attempts) {
      const answer = await call(method, path, options);
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="hub"/);
      expect(answer.body).toEqual({ error: 'unauthorized', reason: expect.any(String) as string });
    }
    const basic = await fetch(`${hub.url}/api/devices`, { headers: { authorization: `Basic ${token}` } });
    expect(basic.status).toBe(401);
    answers.push(await basic.text());

    expect((await call('GET', '/api/devices/intruder')).status).toBe(404);
    expect((await call('GET', '/api/devices/pump-1')).status).toBe(200);
    expect((await call('GET', '/healthz', { token: null })).body).toMatchObject({
      healthy: true,
      registry: { loaded: true },
    });
    const metrics = await fetch(`${hub.url}/metrics`);
    const text = await metrics.text();
    answers.push(text);
    expect(text).toMatch(/hub_auth_failures_total\{reason="wrong_token"\} [1-9]/);
    expect(text).toMatch(/hub_registry_devices \d/);
  });

  it('keeps secrets out of the registry topic, the logs and every other answer', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    const records = await registryRecords();
    const topicText = JSON.stringify(records);
    const hashes = records.flatMap((r) =>
      r.value === '' ? [] : [(JSON.parse(r.value) as { secretHash: string }).secretHash],
    );
    expect(hashes.length).toBeGreaterThanOrEqual(6);
    const logs = `${hub.stdout()}\n${hub.stderr()}`;
    const replies = answers.join('\n');
    expect(logs).toContain('device created');

    for (const [i, secret] of secrets.entries()) {
      expect(topicText.includes(secret), `secret ${i} in the registry topic`).toBe(false);
      expect(logs.includes(secret), `secret ${i} in the hub's output`).toBe(false);
      expect(replies.includes(secret), `secret ${i} in an answer`).toBe(false);
    }
    for (const [i, hash] of hashes.entries()) {
      expect(logs.includes(hash), `hash ${i} in the hub's output`).toBe(false);
      expect(replies.includes(hash), `hash ${i} in an answer`).toBe(false);
    }
    expect(logs).not.toMatch(/secretHash|scrypt\$/);
    expect(replies).not.toMatch(/secretHash|scrypt\$/);
    expect(logs.includes(token), "the operator token in the hub's output").toBe(false);
  });

  it('rebuilds the list from Kafka after a restart, with a token generated in development', async () => {
    const before = (await call('GET', '/api/devices')).body.devices;
    expect(await hub.stop('SIGTERM')).toBe(0);
    expect(hub.logs.at(-1)?.msg).toBe('hub stopped');

    hub = await startHubProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix });
    expect(hub.token).not.toBe(token);
    expect(hub.stderr().match(/operator token/g)).toHaveLength(1);
    expect(hub.stdout().includes(hub.token)).toBe(false);
    expect((await call('GET', '/api/devices', { token })).status).toBe(401);

    const after = await call('GET', '/api/devices');
    expect(after.body.devices).toEqual(before);
    expect(after.body.devices).not.toContainEqual(expect.objectContaining({ id: 'doomed' }));
  });
});

describe('hub configuration', () => {
  it('refuses to start in production without an operator token', async () => {
    const { code, stdout, stderr } = await runHubToExit({
      APP_ENV: 'production',
      KAFKA_TOPIC_PREFIX: 'never-used',
    });
    expect(code).toBe(EX_CONFIG);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^invalid configuration: HUB_OPERATOR_TOKEN \(hub\.operatorToken\): required when APP_ENV=production/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
