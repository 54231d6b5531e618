import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStatusMessage, ServerMessage } from '../../../contracts/index.js';
import { openConsole, refusedUpgradeStatus } from '../../helpers/console-client.js';
import { commandDevice } from '../../helpers/devices.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import {
  callHub,
  getCommand,
  issueCommand,
  provisionDevice,
  waitForCommandStatus,
} from '../../helpers/hub-api.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestTopics } from '../../helpers/kafka.js';

const statuses = (history: { status: string }[]) => history.map((h) => h.status);

describe('commands through the hub: lifecycle, offline delivery, expiry, API and console', () => {
  const ctx = useTestTopics({ partitions: 2 });
  const token = `op-${randomBytes(24).toString('base64url')}`;
  let gateway: GatewayProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    [gateway, hub] = await Promise.all([
      startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-cmd-1' }),
      startHubProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, HUB_OPERATOR_TOKEN: token }),
    ]);
    for (const id of ['cmd-1', 'cmd-2', 'cmd-3', 'cmd-ws']) await provisionDevice(hub, id);
  });
  afterAll(async () => {
    await Promise.all([hub?.stop(), gateway?.stop()]);
  });

  it('round trip: API -> device -> result, with every status in order', async () => {
    const device = await commandDevice(gateway.mqttUrl, 'cmd-1');
    const before = Date.now();
    const answer = await callHub(hub, 'POST', '/api/commands', {
      body: { deviceId: 'cmd-1', name: 'reboot', params: { delayMs: 5 }, ttlMs: 30_000 },
    });
    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      id: expect.any(String) as string,
      status: 'queued',
      expiresAt: expect.any(Number) as number,
    });
    const id = answer.body.id as string;
    expect(answer.headers.get('location')).toBe(`/api/commands/${id}`);
    expect(answer.body.expiresAt).toBeGreaterThanOrEqual(before + 30_000);

    const done = await waitForCommandStatus(hub, id, 'succeeded');
    expect(statuses(done.history)).toEqual(['queued', 'sent', 'delivered', 'succeeded']);
    expect(done.history[1]).toMatchObject({ gatewayId: 'gw-cmd-1' });
    expect(done.command).toMatchObject({
      id,
      deviceId: 'cmd-1',
      name: 'reboot',
      params: { delayMs: 5 },
      issuedBy: 'operator:http',
    });
    expect(device.received).toEqual([{ topic: 'devices/cmd-1/commands/reboot', id }]);

    const list = await callHub(hub, 'GET', '/api/commands?deviceId=cmd-1&limit=5');
    expect(list.status).toBe(200);
    expect(list.body.commands).toEqual([
      { command: done.command, status: 'succeeded', updatedAt: done.updatedAt },
    ]);
  });

  it('waits for a device that is offline when the command is issued and delivers when it connects', async () => {
    const { id } = await issueCommand(hub, { deviceId: 'cmd-2', name: 'calibrate' });
    await new Promise((r) => setTimeout(r, 2000));
    const waiting = await getCommand(hub, id);
    expect(waiting?.status).toBe('queued');
    expect(statuses(waiting?.history ?? [])).toEqual(['queued']);

    const device = await commandDevice(gateway.mqttUrl, 'cmd-2');
    const done = await waitForCommandStatus(hub, id, 'succeeded');
    expect(statuses(done.history)).toEqual(['queued', 'sent', 'delivered', 'succeeded']);
    expect(device.received.map((r) => r.id)).toEqual([id]);
  });

  it('expires a command whose device stays offline past the TTL and never delivers it', async () => {
    const { id, expiresAt } = await issueCommand(hub, { deviceId: 'cmd-3', name: 'reboot', ttlMs: 1500 });
    const expired = await waitForCommandStatus(hub, id, 'expired');
    expect(statuses(expired.history)).toEqual(['queued', 'expired']);
    expect(expired.history[1]?.at).toBeGreaterThanOrEqual(expiresAt);
    expect(expired.history[1]?.detail).toBe('no result before expiresAt');

    const device = await commandDevice(gateway.mqttUrl, 'cmd-3');
    // A later command reaching the device shows its pending commands were already handed over.
    const later = await issueCommand(hub, { deviceId: 'cmd-3', name: 'calibrate' });
    await waitForCommandStatus(hub, later.id, 'succeeded');
    expect(device.received.map((r) => r.id)).toEqual([later.id]);
    expect((await getCommand(hub, id))?.status).toBe('expired');
  });

  it('answers invalid requests with 4xx and a reason; an unknown device is a 404', async () => {
    const base = { deviceId: 'cmd-1', name: 'reboot' };
    const cases: [string, Promise<Awaited<ReturnType<typeof callHub>>>, number, string, RegExp][] = [
      [
        'non-JSON',
        callHub(hub, 'POST', '/api/commands', { raw: '{"deviceId":' }),
        400,
        'invalid_request',
        /not JSON/,
      ],
      [
        'unknown key',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, priority: 1 } }),
        400,
        'invalid_request',
        /Unrecognized key: "priority"/,
      ],
      [
        'bad name',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, name: 'Reboot!' } }),
        400,
        'invalid_request',
        /command name must match/,
      ],
      [
        'no name',
        callHub(hub, 'POST', '/api/commands', { body: { deviceId: 'cmd-1' } }),
        400,
        'invalid_request',
        /name/,
      ],
      [
        'array params',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, params: [1] } }),
        400,
        'invalid_request',
        /params/,
      ],
      [
        'short ttl',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, ttlMs: 999 } }),
        400,
        'invalid_request',
        /ttlMs must be at least 1000/,
      ],
      [
        'long ttl',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, ttlMs: 24 * 3600 * 1000 + 1 } }),
        400,
        'invalid_request',
        /ttlMs must be at most 86400000/,
      ],
      [
        'fractional ttl',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, ttlMs: 1500.5 } }),
        400,
        'invalid_request',
        /ttlMs must be an integer/,
      ],
      [
        'large params',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, params: { blob: 'x'.repeat(8200) } } }),
        413,
        'payload_too_large',
        /at most 8192/,
      ],
      [
        'unknown device',
        callHub(hub, 'POST', '/api/commands', { body: { ...base, deviceId: 'nobody' } }),
        404,
        'not_found',
        /no device nobody/,
      ],
      ['bad id', callHub(hub, 'GET', '/api/commands/bad%20id'), 400, 'invalid_request', /invalid command id/],
      ['unknown id', callHub(hub, 'GET', '/api/commands/no-such-command'), 404, 'not_found', /no command/],
      ['bad limit', callHub(hub, 'GET', '/api/commands?limit=0'), 400, 'invalid_request', /limit/],
      [
        'unknown query',
        callHub(hub, 'GET', '/api/commands?device=x'),
        400,
        'invalid_request',
        /unknown query/,
      ],
      [
        'no token',
        callHub(hub, 'POST', '/api/commands', { body: base, token: null }),
        401,
        'unauthorized',
        /missing bearer token/,
      ],
    ];
    for (const [name, pending, status, error, reason] of cases) {
      const answer = await pending;
      expect({ name, status: answer.status }).toEqual({ name, status });
      expect(answer.body.error, name).toBe(error);
      expect(answer.body.reason, name).toMatch(reason);
    }
    const recent = await callHub(hub, 'GET', '/api/commands?deviceId=nobody');
    expect(recent.body.commands).toEqual([]);
  });

  it('refuses a console WebSocket without the right token with HTTP 401', async () => {
    expect(await refusedUpgradeStatus(hub.url, {})).toBe(401);
    expect(await refusedUpgradeStatus(hub.url, { authorization: 'Bearer wrong' })).toBe(401);
    expect(await refusedUpgradeStatus(hub.url, {}, ['iot-console.v1', 'bearer.wrong'])).toBe(401);
    expect(await refusedUpgradeStatus(hub.url, {}, [`bearer.${token}`])).toBe(400);
  });

  it('issues a command over the console and pushes its status changes; a bad message gets an error', async () => {
    const device = await commandDevice(gateway.mqttUrl, 'cmd-ws');
    const console = await openConsole(hub.url, token, 'subprotocol');
    try {
      expect(console.ws.protocol).toBe('iot-console.v1');
      const hello = await console.next('hello');
      expect(hello).toMatchObject({ protocol: 1, commands: { defaultTtlMs: 60_000, maxParamsBytes: 8192 } });

      console.send('not json');
      await console.next('error', (m) => /not JSON/.test(m.reason));
      console.send({ type: 'launch', requestId: 'r-0' });
      const unknown = await console.next('error', (m) => m.requestId === 'r-0');
      expect(unknown).toMatchObject({
        code: 'invalid_message',
        reason: expect.stringMatching(/unknown message type "launch"/) as string,
      });
      console.send({ type: 'issueCommand', requestId: 'r-1', deviceId: 'cmd-ws', name: 'reboot', ttlMs: 5 });
      const short = await console.next('error', (m) => m.requestId === 'r-1');
      expect(short).toMatchObject({
        code: 'invalid_request',
        reason: expect.stringMatching(/ttlMs must be at least 1000/) as string,
      });
      console.send({ type: 'issueCommand', requestId: 'r-2', deviceId: 'nobody', name: 'reboot' });
      expect(await console.next('error', (m) => m.requestId === 'r-2')).toMatchObject({ code: 'not_found' });

      console.send({
        type: 'issueCommand',
        requestId: 'r-3',
        deviceId: 'cmd-ws',
        name: 'set-load',
        params: { load: 0.5 },
      });
      const accepted = await console.next('commandAccepted', (m) => m.requestId === 'r-3');
      const isOurs = (m: ServerMessage): m is CommandStatusMessage =>
        m.type === 'commandStatus' && m.id === accepted.id;
      await console.next('commandStatus', (m) => isOurs(m) && m.status === 'succeeded');
      const seen = console.messages.filter(isOurs);
      expect(seen.map((m) => m.status)).toEqual(['queued', 'sent', 'delivered', 'succeeded']);
      expect(seen[1]).toMatchObject({ deviceId: 'cmd-ws', gatewayId: 'gw-cmd-1' });
      expect(console.messages.indexOf(accepted)).toBeLessThan(console.messages.indexOf(seen[0]!));
      expect(device.received.map((r) => r.id)).toEqual([accepted.id]);
      expect((await getCommand(hub, accepted.id))?.command.issuedBy).toBe('operator:console');

      console.send({ type: 'ping', requestId: 'r-4' });
      await console.next('pong', (m) => m.requestId === 'r-4');
    } finally {
      await console.close();
    }
    const viaHeader = await openConsole(hub.url, token, 'header');
    await viaHeader.next('hello');
    await viaHeader.close();
  });
});
