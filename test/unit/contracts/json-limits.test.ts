import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JSON_LIMITS,
  checkJsonDepth,
  checkJsonValue,
  type JsonLimits,
} from '../../../contracts/index.js';

const DEEP = 20_000;

function limits(overrides: Partial<JsonLimits>): JsonLimits {
  return { ...DEFAULT_JSON_LIMITS, ...overrides };
}

/** The nesting depth by its definition, recursively: only for the small values of the properties. */
function referenceDepth(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(referenceDepth));
}

/** A value nested `depth` containers deep, built without recursion. */
function nested(depth: number, kind: 'array' | 'object'): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
}

// Strings full of the characters the depth scan has to get right.
const trickyChar = fc.constantFrom('[', ']', '{', '}', '"', '\\', ',', ':', 'a', ' ', '\n', 'é');
const trickyJson = fc.jsonValue({ maxDepth: 6, stringUnit: trickyChar });

describe('checkJsonDepth', () => {
  it.each([
    ['arrays', '['.repeat(DEEP) + ']'.repeat(DEEP)],
    ['objects', '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP)],
    ['unclosed arrays', '['.repeat(DEEP)],
  ])('refuses %s nested 20,000 deep, without throwing', (_label, text) => {
    let result: ReturnType<typeof checkJsonDepth> | undefined;
    expect(() => (result = checkJsonDepth(text, 16))).not.toThrow();
    expect(result).toMatchObject({ ok: false, limit: 'maxDepth' });
  });

  it('refuses a megabyte of nested brackets, without throwing', () => {
    const text = '['.repeat(512 * 1024) + ']'.repeat(512 * 1024);
    expect(text.length).toBe(1024 * 1024);
    let result: ReturnType<typeof checkJsonDepth> | undefined;
    expect(() => (result = checkJsonDepth(text, DEFAULT_JSON_LIMITS.maxDepth))).not.toThrow();
    expect(result).toMatchObject({ ok: false, limit: 'maxDepth' });
  });

  it('accepts exactly maxDepth levels and refuses one more', () => {
    expect(checkJsonDepth('[[[1]]]', 3)).toEqual({ ok: true });
    expect(checkJsonDepth('[[[[1]]]]', 3)).toMatchObject({ ok: false, limit: 'maxDepth' });
    expect(checkJsonDepth('{"a":{"b":{"c":1}}}', 3)).toEqual({ ok: true });
    expect(checkJsonDepth('{"a":{"b":{"c":{}}}}', 3)).toMatchObject({ ok: false, limit: 'maxDepth' });
    expect(checkJsonDepth('7', 0)).toEqual({ ok: true });
  });

  it('measures siblings separately', () => {
    const wide = `[${Array.from({ length: 1000 }, () => '[[1]]').join(',')}]`;
    expect(checkJsonDepth(wide, 3)).toEqual({ ok: true });
  });

  it('does not count brackets inside strings', () => {
    const inString = JSON.stringify({ note: '[[[['.repeat(DEEP), other: '{{{{'.repeat(DEEP) });
    expect(checkJsonDepth(inString, 1)).toEqual({ ok: true });
    expect(checkJsonDepth(JSON.stringify(['[[[[', '{', '}}}}]]]]', '[[[[']), 1)).toEqual({ ok: true });
  });

  it('keeps escaped quotes inside the string', () => {
    // "\"[[[[" is one string: the escaped quote does not end it.
    expect(checkJsonDepth(String.raw`["\"[[[[[["]`, 1)).toEqual({ ok: true });
    expect(checkJsonDepth(String.raw`{"k\"{{{{":"\\\"[[[["}`, 1)).toEqual({ ok: true });
    // "\\" ends after the escaped backslash, so the brackets after it are real.
    expect(checkJsonDepth(String.raw`["\\",[[1]]]`, 2)).toMatchObject({ ok: false, limit: 'maxDepth' });
    expect(checkJsonDepth(String.raw`["\\",[1]]`, 2)).toEqual({ ok: true });
  });

  it('names where the document got too deep, clipped', () => {
    const result = checkJsonDepth('{"data":{"list":[0,1,{"x":[[[1]]]}]}}', 5);
    expect(result).toEqual({
      ok: false,
      limit: 'maxDepth',
      path: 'data.list[2].x[0]',
      reason: 'data.list[2].x[0]: nested deeper than 5 levels (maxDepth)',
    });
    const escapedKey = checkJsonDepth(String.raw`{"a\"b":[[1]]}`, 2);
    expect(!escapedKey.ok && escapedKey.path).toBe('a"b[0]');
    const deep = checkJsonDepth('[{"a":'.repeat(DEEP) + '1', 100);
    expect(deep.ok).toBe(false);
    if (deep.ok) return;
    expect(deep.path.length).toBeLessThanOrEqual(163);
    expect(deep.path).toMatch(/^\[0\]\.a\[0\]\.a.*\.\.\.$/);
    const longKey = checkJsonDepth(`{"${'k'.repeat(1000)}":[1]}`, 1);
    expect(!longKey.ok && longKey.path).toBe(`${'k'.repeat(32)}...`);
  });

  it('leaves text that is not JSON to JSON.parse', () => {
    for (const text of [']]]]', '}{', '"unterminated [[[[', '[1,2', 'abc', '']) {
      expect(() => checkJsonDepth(text, 2)).not.toThrow();
    }
    expect(checkJsonDepth(']]]][[', 2)).toEqual({ ok: true });
  });

  it('agrees with the recursive definition of depth on generated JSON', () => {
    fc.assert(
      fc.property(trickyJson, (value) => {
        const text = JSON.stringify(value);
        const depth = referenceDepth(value);
        expect(checkJsonDepth(text, depth)).toEqual({ ok: true });
        if (depth > 0)
          expect(checkJsonDepth(text, depth - 1)).toMatchObject({ ok: false, limit: 'maxDepth' });
      }),
    );
  });

  it('agrees with the recursive definition on pretty-printed JSON', () => {
    fc.assert(
      fc.property(trickyJson, (value) => {
        const text = JSON.stringify(value, null, 2);
        const depth = referenceDepth(value);
        expect(checkJsonDepth(text, depth).ok).toBe(true);
        if (depth > 0) expect(checkJsonDepth(text, depth - 1).ok).toBe(false);
      }),
    );
  });
});

describe('checkJsonValue', () => {
  it('accepts every small JSON value within generous limits, and agrees with the depth scan', () => {
    fc.assert(
      fc.property(trickyJson, (value) => {
        const depth = referenceDepth(value);
        expect(checkJsonValue(value, limits({ maxDepth: depth }))).toEqual({ ok: true });
        if (depth > 0) {
          expect(checkJsonValue(value, limits({ maxDepth: depth - 1 }))).toMatchObject({
            ok: false,
            limit: 'maxDepth',
          });
        }
      }),
    );
  });

  it.each([['array' as const], ['object' as const]])(
    'refuses a parsed %s nested 20,000 deep, without throwing',
    (kind) => {
      const value = nested(DEEP, kind);
      let result: ReturnType<typeof checkJsonValue> | undefined;
      expect(() => (result = checkJsonValue(value, DEFAULT_JSON_LIMITS))).not.toThrow();
      expect(result).toMatchObject({ ok: false, limit: 'maxDepth' });
    },
  );

  it('counts every value, the root included, up to maxNodes', () => {
    const wide = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
    expect(checkJsonValue(wide(99), limits({ maxNodes: 100 }))).toEqual({ ok: true });
    expect(checkJsonValue(wide(100), limits({ maxNodes: 100 }))).toEqual({
      ok: false,
      limit: 'maxNodes',
      path: '(root)',
      reason: '(root): more than 100 values in the document (maxNodes)',
    });
    const spread = { a: [1, 2, 3], b: { c: [4, 5] } };
    // root, a, 1, 2, 3, b, c, 4, 5
    expect(checkJsonValue(spread, limits({ maxNodes: 9 }))).toEqual({ ok: true });
    expect(checkJsonValue(spread, limits({ maxNodes: 8 }))).toMatchObject({ ok: false, path: 'b.c' });
  });

  it('refuses the default maxNodes plus one, in a wide object and in nested arrays', () => {
    const n = DEFAULT_JSON_LIMITS.maxNodes;
    const atLimit = Object.fromEntries(Array.from({ length: n - 1 }, (_, i) => [`k${i}`, null]));
    expect(checkJsonValue(atLimit, DEFAULT_JSON_LIMITS)).toEqual({ ok: true });
    expect(checkJsonValue({ ...atLimit, extra: null }, DEFAULT_JSON_LIMITS)).toMatchObject({
      ok: false,
      limit: 'maxNodes',
    });
    const rows = Array.from({ length: 1000 }, () => Array.from({ length: 1000 }, () => 0));
    expect(checkJsonValue(rows, DEFAULT_JSON_LIMITS)).toMatchObject({ ok: false, limit: 'maxNodes' });
  });

  it('bounds array length', () => {
    const max = DEFAULT_JSON_LIMITS.maxArrayLength;
    expect(checkJsonValue({ list: new Array(max).fill(0) }, DEFAULT_JSON_LIMITS)).toEqual({ ok: true });
    expect(checkJsonValue({ list: new Array(max + 1).fill(0) }, DEFAULT_JSON_LIMITS)).toEqual({
      ok: false,
      limit: 'maxArrayLength',
      path: 'list',
      reason: `list: array of ${max + 1} items is longer than ${max} (maxArrayLength)`,
    });
  });

  it('bounds string length, in values at any depth', () => {
    const max = DEFAULT_JSON_LIMITS.maxStringLength;
    expect(checkJsonValue({ a: [{ s: 'x'.repeat(max) }] }, DEFAULT_JSON_LIMITS)).toEqual({ ok: true });
    expect(checkJsonValue({ a: [{ s: 'x'.repeat(max + 1) }] }, DEFAULT_JSON_LIMITS)).toEqual({
      ok: false,
      limit: 'maxStringLength',
      path: 'a[0].s',
      reason: `a[0].s: string of ${max + 1} characters is longer than ${max} (maxStringLength)`,
    });
    expect(checkJsonValue('x'.repeat(max + 1), DEFAULT_JSON_LIMITS)).toMatchObject({ path: '(root)' });
  });

  it('bounds key length, naming the key clipped', () => {
    const max = DEFAULT_JSON_LIMITS.maxKeyLength;
    expect(checkJsonValue({ d: { ['k'.repeat(max)]: 1 } }, DEFAULT_JSON_LIMITS)).toEqual({ ok: true });
    const result = checkJsonValue({ d: { ['k'.repeat(max + 1)]: 1 } }, DEFAULT_JSON_LIMITS);
    expect(result).toEqual({
      ok: false,
      limit: 'maxKeyLength',
      path: `d.${'k'.repeat(32)}...`,
      reason: `d.${'k'.repeat(32)}...: key of ${max + 1} characters is longer than ${max} (maxKeyLength)`,
    });
  });

  it('refuses a __proto__ key at any depth, as JSON.parse leaves it', () => {
    expect(checkJsonValue(JSON.parse('{"__proto__":{"admin":true}}'), DEFAULT_JSON_LIMITS)).toEqual({
      ok: false,
      limit: 'prototypeKey',
      path: '__proto__',
      reason: '__proto__: the key "__proto__" is not allowed',
    });
    const nestedProto = JSON.parse('{"data":[{"x":{"__proto__":{"polluted":1}}}]}') as unknown;
    expect(checkJsonValue(nestedProto, DEFAULT_JSON_LIMITS)).toMatchObject({
      ok: false,
      limit: 'prototypeKey',
      path: 'data[0].x.__proto__',
    });
  });

  it('keeps constructor and prototype keys, which JSON.parse stores as plain own properties', () => {
    const value = JSON.parse('{"constructor":{"prototype":{"polluted":1}},"toString":"x"}') as Record<
      string,
      unknown
    >;
    expect(checkJsonValue(value, DEFAULT_JSON_LIMITS)).toEqual({ ok: true });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['constructor', 'toString']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('ends on a cyclic value, at maxNodes', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(checkJsonValue(cycle, limits({ maxDepth: 1_000_000 }))).toMatchObject({
      ok: false,
      limit: 'maxNodes',
    });
  });

  it('clips the path of a breach deep inside the document', () => {
    const value = nested(200, 'object');
    const result = checkJsonValue(value, limits({ maxDepth: 150 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.path).toMatch(/^a\.a\.a.*\.\.\.$/);
    expect(result.reason.length).toBeLessThan(250);
  });
});
