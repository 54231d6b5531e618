import { describe, expect, it } from 'vitest';
import { parseTarget } from '../../../../hub/http/target.js';

describe('parseTarget', () => {
  it('splits the path into decoded segments and keeps the query', () => {
    const target = parseTarget('/api/devices/a%20b?limit=5&offset=1');
    expect(target).toMatchObject({ path: '/api/devices/a%20b', segments: ['api', 'devices', 'a b'] });
    expect('query' in target && Object.fromEntries(target.query)).toEqual({ limit: '5', offset: '1' });
    expect(parseTarget('/')).toMatchObject({ segments: [] });
  });

  it('keeps an encoded slash inside its segment and does not resolve dot segments', () => {
    expect(parseTarget('/api/devices/a%2Fb')).toMatchObject({ segments: ['api', 'devices', 'a/b'] });
    expect(parseTarget('/api/devices/../secret')).toMatchObject({
      segments: ['api', 'devices', '..', 'secret'],
    });
  });

  it('refuses malformed encodings and targets that are not paths', () => {
    expect(parseTarget('/api/%E0%A4%A')).toEqual({ error: 'malformed percent-encoding in the path' });
    expect(parseTarget('http://example.com/api')).toEqual({
      error: 'request target must be a path starting with "/"',
    });
    expect(parseTarget('*')).toHaveProperty('error');
  });
});
