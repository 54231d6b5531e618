import { describe, expect, it } from 'vitest';
import type { HttpMethod } from '../../../../hub/http/route.js';
import { Router } from '../../../../hub/http/router.js';

const route = (method: HttpMethod, path: string) => ({ method, path, name: `${method} ${path}` });

describe('Router', () => {
  const router = new Router([
    route('GET', '/'),
    route('GET', '/api/devices'),
    route('POST', '/api/devices'),
    route('GET', '/api/devices/:id'),
    route('DELETE', '/api/devices/:id'),
    route('POST', '/api/devices/:id/secret'),
    route('GET', '/api/devices/export'),
  ]);
  const names = (method: string, ...segments: string[]) => {
    const match = router.match(method, segments);
    return match.kind === 'found' ? { name: match.route.name, params: match.params } : match;
  };

  it('matches literal paths and captures parameters', () => {
    expect(names('GET')).toEqual({ name: 'GET /', params: {} });
    expect(names('POST', 'api', 'devices')).toEqual({ name: 'POST /api/devices', params: {} });
    expect(names('GET', 'api', 'devices', 'pump-1')).toEqual({
      name: 'GET /api/devices/:id',
      params: { id: 'pump-1' },
    });
    expect(names('POST', 'api', 'devices', 'a b', 'secret')).toEqual({
      name: 'POST /api/devices/:id/secret',
      params: { id: 'a b' },
    });
  });

  it('prefers a literal segment over a parameter, whatever the order of the table', () => {
    expect(names('GET', 'api', 'devices', 'export')).toEqual({ name: 'GET /api/devices/export', params: {} });
  });

  it('answers HEAD with the GET route', () => {
    expect(names('HEAD', 'api', 'devices')).toEqual({ name: 'GET /api/devices', params: {} });
  });

  it('lists the allowed methods when the path exists with other methods', () => {
    expect(names('PUT', 'api', 'devices', 'x')).toEqual({
      kind: 'method_not_allowed',
      allow: ['DELETE', 'GET', 'HEAD'],
    });
    expect(names('GET', 'api', 'devices', 'x', 'secret')).toEqual({
      kind: 'method_not_allowed',
      allow: ['POST'],
    });
  });

  it('finds nothing for other paths, empty parameters and trailing slashes', () => {
    for (const segments of [
      ['api'],
      ['api', 'devices', ''],
      ['api', 'devices', 'x', 'y'],
      ['API', 'devices'],
      [''],
    ])
      expect(names('GET', ...segments), segments.join('/')).toEqual({ kind: 'not_found' });
  });

  it('refuses a table with two routes for the same method and path shape', () => {
    expect(() => new Router([route('GET', '/a/:x'), route('GET', '/a/:y')])).toThrow(
      /two routes for GET \/a\/:y/,
    );
    expect(() => new Router([route('GET', 'a')])).toThrow(/must start with/);
  });
});
