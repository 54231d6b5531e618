import { describe, expect, it } from 'vitest';
import { Watchers } from '../../../../hub/fleet/watchers.js';

describe('Watchers', () => {
  it('indexes watches both ways and caps them per console', () => {
    const watchers = new Watchers<string>(2);
    expect(watchers.watch('c1', ['a', 'a', 'b'])).toEqual({ ok: true, value: ['a', 'b'] });
    expect(watchers.watch('c1', ['c'])).toMatchObject({
      ok: false,
      code: 'too_many_devices',
      reason: expect.stringMatching(/at most 2/) as string,
    });
    expect(watchers.watch('c1', ['b'])).toEqual({ ok: true, value: [] });
    watchers.watch('c2', ['a']);
    expect([...(watchers.of('a') ?? [])]).toEqual(['c1', 'c2']);
    watchers.unwatch('c1', ['a', 'x']);
    expect(watchers.watched('c1')).toEqual(['b']);
    watchers.drop('c2');
    expect(watchers.of('a')).toBeUndefined();
    expect(watchers.watched('c2')).toEqual([]);
  });
});
