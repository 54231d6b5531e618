import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, apiErrorBodySchema } from '../../../contracts/index.js';

describe('apiErrorBodySchema', () => {
  it('reads every documented code, with or without a reason', () => {
    for (const error of API_ERROR_CODES) expect(apiErrorBodySchema.parse({ error })).toEqual({ error });
    expect(apiErrorBodySchema.parse({ error: 'conflict', reason: 'device p already exists' })).toEqual({
      error: 'conflict',
      reason: 'device p already exists',
    });
  });

  it('refuses a code the API does not have and a body without one', () => {
    expect(apiErrorBodySchema.safeParse({ error: 'teapot' }).success).toBe(false);
    expect(apiErrorBodySchema.safeParse({ reason: 'x' }).success).toBe(false);
    expect(apiErrorBodySchema.safeParse('not_found').success).toBe(false);
  });
});
