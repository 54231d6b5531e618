import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceIdSchema, isValidDeviceId } from '../../../contracts/index.js';
import { deviceIdArb } from './arbitraries.js';

describe('device id', () => {
  it.each(['a', 'pump-01', 'A.b_c-d', '0', 'x'.repeat(64)])('accepts %j', (id) => {
    expect(isValidDeviceId(id)).toBe(true);
    expect(deviceIdSchema.safeParse(id).success).toBe(true);
  });

  it.each(['', '-a', '.a', '_a', 'a/b', 'a+', 'a#', 'a b', 'x'.repeat(65), 'é', 'a\n', '$SYS'])(
    'rejects %j',
    (id) => {
      expect(isValidDeviceId(id)).toBe(false);
      expect(deviceIdSchema.safeParse(id).success).toBe(false);
    },
  );

  it('agrees with the schema for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), deviceIdArb), (s) => {
        expect(isValidDeviceId(s)).toBe(deviceIdSchema.safeParse(s).success);
      }),
    );
  });
});
