import { describe, expect, expectTypeOf, it } from 'vitest';
import { failure, success, type Result } from '../../../common/result.js';

function parsePort(text: string): Result<number, 'not_a_number' | 'out_of_range', { text: string }> {
  const port = Number(text);
  if (!Number.isInteger(port)) return failure('not_a_number', `${text} is not a whole number`, { text });
  if (port < 1 || port > 65_535) return failure('out_of_range', `${port} is not a TCP port`, { text });
  return success(port);
}

describe('Result', () => {
  it('holds the value of a success', () => {
    expect(parsePort('1883')).toEqual({ ok: true, value: 1883 });
  });

  it('holds a failure’s code, reason and detail side by side', () => {
    expect(parsePort('x')).toEqual({
      ok: false,
      code: 'not_a_number',
      reason: 'x is not a whole number',
      text: 'x',
    });
    expect(failure('not_found', 'no device d1')).toEqual({
      ok: false,
      code: 'not_found',
      reason: 'no device d1',
    });
  });

  it('narrows on ok', () => {
    const parsed = parsePort('70000');
    if (parsed.ok) {
      expectTypeOf(parsed.value).toEqualTypeOf<number>();
    } else {
      expectTypeOf(parsed.code).toEqualTypeOf<'not_a_number' | 'out_of_range'>();
      expect(parsed).toMatchObject({ code: 'out_of_range', text: '70000' });
    }
    expect(parsed.ok).toBe(false);
  });
});
