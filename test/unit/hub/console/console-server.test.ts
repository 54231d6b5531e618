import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../../../../common/logger.js';
import { operatorAuthenticator } from '../../../../hub/auth/operator-auth.js';
import { createTokenVerifier } from '../../../../hub/auth/token.js';
import { ConsoleServer, type ConsoleClient } from '../../../../hub/console/console-server.js';
import { fleetChangesCoalescer } from '../../../../hub/fleet/coalescers.js';
import { ConsoleMetrics } from '../../../../hub/console/metrics.js';
import { openConsole, refusedUpgradeStatus } from '../../../helpers/console-client.js';
import { waitFor } from '../../../helpers/wait.js';

// The console server on a loopback port with a stand-in handler: dispatch, errors, broadcast, close.
describe('ConsoleServer', () => {
  const token = 'unit-token';
  const registry = new Registry();
  const failures: string[] = [];
  let server: Server;
  let consoleServer: ConsoleServer;
  let base: string;

  beforeAll(async () => {
    server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    consoleServer = new ConsoleServer({
      server,
      auth: { authenticate: operatorAuthenticator(token), verifyToken: createTokenVerifier(token) },
      hello: () => ({
        type: 'hello',
        protocol: 1,
        serverTime: 1,
        commands: { defaultTtlMs: 1, maxTtlMs: 2, maxParamsBytes: 3 },
      }),
      logger: createLogger('test', 'silent'),
      metrics: new ConsoleMetrics(registry),
      onAuthFailure: (f) => failures.push(f),
    });
    consoleServer.handle('issueCommand', (m) => {
      if (m.deviceId === 'boom') return Promise.reject(new Error('internal detail'));
      return Promise.resolve({ type: 'commandAccepted', id: 'c-1', status: 'queued', expiresAt: 5 });
    });
  });
  afterAll(async () => {
    await consoleServer.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses other paths with 404 and bad tokens with 401, counting the failure', async () => {
    const other = new WebSocket(`${base.replace('http', 'ws')}/other`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const status = await new Promise<number>((resolve) => {
      other.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      other.once('error', () => undefined);
    });
    expect(status).toBe(404);
    expect(await refusedUpgradeStatus(base, { authorization: 'Bearer wrong' })).toBe(401);
    expect(failures).toEqual(['wrong_token']);
  });

  it('greets, answers, survives a failing handler, and broadcasts to every console', async () => {
    const [a, b] = await Promise.all([openConsole(base, token), openConsole(base, token, 'subprotocol')]);
    await a.next('hello');
    a.send({ type: 'issueCommand', requestId: 'q1', deviceId: 'boom', name: 'reboot' });
    expect(await a.next('error', (m) => m.requestId === 'q1')).toEqual({
      type: 'error',
      requestId: 'q1',
      code: 'internal_error',
      reason: 'the hub could not handle this message',
    });
    a.ws.send(Buffer.from('{}'), { binary: true });
    await a.next('error', (m) => /text frames/.test(m.reason));
    a.send({ type: 'issueCommand', requestId: 'q2', deviceId: 'd-1', name: 'reboot' });
    expect(await a.next('commandAccepted')).toMatchObject({ id: 'c-1' });
    expect(consoleServer.connectionCount).toBe(2);

    consoleServer.broadcast({ type: 'commandStatus', id: 'c-1', deviceId: 'd-1', status: 'sent', at: 7 });
    for (const c of [a, b])
      expect(await c.next('commandStatus')).toMatchObject({ id: 'c-1', status: 'sent' });
    await Promise.all([a.close(), b.close()]);
    const metrics = await registry.getSingleMetricAsString('hub_console_client_errors_total');
    expect(metrics).toMatch(/code="internal_error"} 1/);
  });

  it('tells features about each console, passes it to handlers, and offers coalescable messages to all', async () => {
    const connected: ConsoleClient[] = [];
    const disconnected: number[] = [];
    consoleServer.onConnect((client) => {
      connected.push(client);
      client.send({ type: 'pong', serverTime: 42 });
    });
    consoleServer.onDisconnect((client) => disconnected.push(client.id));
    consoleServer.handle('watch', (m, client) =>
      Promise.resolve({ type: 'watching', deviceIds: [...m.deviceIds, `client-${client.id}`] }),
    );
    const c = await openConsole(base, token);
    expect(await c.next('pong')).toMatchObject({ serverTime: 42 });
    expect(c.messages.map((m) => m.type)).toEqual(['hello', 'pong']);
    const id = connected[0]?.id;
    c.send({ type: 'watch', deviceIds: ['d-1'] });
    expect(await c.next('watching')).toEqual({ type: 'watching', deviceIds: ['d-1', `client-${id}`] });

    consoleServer.offerAll(fleetChangesCoalescer, {
      type: 'fleetChanges',
      at: 1,
      devices: [],
      removed: ['d-9'],
      seen: {},
    });
    expect(await c.next('fleetChanges')).toMatchObject({ removed: ['d-9'] });
    await c.close();
    await waitFor(() => disconnected.includes(id ?? -1), 5_000, 'the disconnect listener');
  });

  it('closes open consoles with 1001 when the hub stops', async () => {
    const c = await openConsole(base, token);
    const code = new Promise<number>((resolve) => c.ws.once('close', (closeCode) => resolve(closeCode)));
    await consoleServer.close();
    expect(await code).toBe(1001);
  });
});
