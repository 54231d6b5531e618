import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../common/logger.js';
import { operatorAuthenticator } from '../../../../hub/auth/operator-auth.js';
import { conflict } from '../../../../hub/http/errors.js';
import { json, type Route } from '../../../../hub/http/route.js';
import { startHttpServer, type HttpServer } from '../../../../hub/http/server.js';

// The server on a loopback port with stand-in routes: dispatch, auth order and error replies.
describe('startHttpServer', () => {
  const token = 'unit-token';
  const failures: string[] = [];
  const observed: string[] = [];
  let server: HttpServer;
  let base: string;
  let release: () => void = () => undefined;

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/open',
      auth: 'public',
      name: 'open',
      handle: () => Promise.resolve(json(200, { open: true })),
    },
    {
      method: 'GET',
      path: '/api/things/:id',
      auth: 'operator',
      name: 'things.get',
      handle: ({ params, query }) => Promise.resolve(json(200, { id: params.id, q: query.get('q') })),
    },
    {
      method: 'DELETE',
      path: '/api/things/:id',
      auth: 'operator',
      name: 'things.remove',
      handle: () => Promise.reject(conflict('busy')),
    },
    {
      method: 'POST',
      path: '/api/boom',
      auth: 'operator',
      name: 'boom',
      handle: () => Promise.reject(new Error('internal detail that must not leak')),
    },
    {
      method: 'GET',
      path: '/slow',
      auth: 'public',
      name: 'slow',
      handle: () => new Promise((resolve) => (release = () => resolve({ status: 204 }))),
    },
    {
      method: 'GET',
      path: '/page',
      auth: 'public',
      name: 'page',
      handle: () =>
        Promise.resolve({ status: 200, body: '<p>hi</p>', contentType: 'text/html; charset=utf-8' }),
    },
  ];

  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routes,
      authenticate: operatorAuthenticator(token),
      logger: createLogger('test', 'silent'),
      onAuthFailure: (f) => failures.push(f),
      observe: (route, method, status) => observed.push(`${route} ${method} ${status}`),
    });
    base = `http://127.0.0.1:${server.port()}`;
  });
  afterAll(async () => {
    await server.close(100);
  });

  const get = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);
  const auth = { authorization: `Bearer ${token}` };

  it('serves public routes without a token and operator routes with it', async () => {
    const open = await get('/open');
    expect(open.status).toBe(200);
    expect(open.headers.get('cache-control')).toBe('no-store');
    expect(await open.json()).toEqual({ open: true });
    const thing = await get('/api/things/a%20b?q=1', { headers: auth });
    expect(await thing.json()).toEqual({ id: 'a b', q: '1' });
    const page = await get('/page');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<p>hi</p>');
  });

  it('asks for the token before saying whether an /api path exists', async () => {
    for (const path of ['/api/things/x', '/api/nothing-here', '/api']) {
      const answer = await get(path);
      expect(answer.status, path).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="hub"');
    }
    const wrong = await get('/api/things/x', { headers: { authorization: 'Bearer other' } });
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="hub", error="invalid_token"');
    expect(await wrong.json()).toEqual({
      error: 'unauthorized',
      reason: 'the bearer token is not the operator token',
    });
    expect(failures).toEqual(['missing_token', 'missing_token', 'missing_token', 'wrong_token']);
    expect(observed).toContain('things.get GET 401');
  });

  it('answers unknown routes 404 and wrong methods 405 with Allow', async () => {
    expect((await get('/nowhere')).status).toBe(404);
    expect(await (await get('/api/nothing-here', { headers: auth })).json()).toEqual({
      error: 'not_found',
      reason: 'no route for /api/nothing-here',
    });
    const wrong = await get('/api/things/x', { method: 'PATCH', headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('DELETE, GET, HEAD');
    expect((await get('/open', { method: 'HEAD' })).status).toBe(200);
  });

  it('turns thrown HttpErrors into their reply and anything else into a bare 500', async () => {
    const busy = await get('/api/things/x', { method: 'DELETE', headers: auth });
    expect(busy.status).toBe(409);
    expect(await busy.json()).toEqual({ error: 'conflict', reason: 'busy' });
    const boom = await get('/api/boom', { method: 'POST', headers: auth });
    expect(boom.status).toBe(500);
    expect(await boom.text()).toBe('{"error":"internal_error"}');
  });

  it('lets a request in progress finish when closing', async () => {
    const other = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      routes,
      authenticate: operatorAuthenticator(token),
      logger: createLogger('test', 'silent'),
    });
    const otherBase = `http://127.0.0.1:${other.port()}`;
    const pending = fetch(`${otherBase}/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const closed = other.close(5_000);
    release();
    expect((await pending).status).toBe(204);
    await closed;
    await expect(fetch(`${otherBase}/open`)).rejects.toThrow();
  });
});
