import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../config/index.js';
import { resolveOperatorToken } from '../../../../hub/auth/operator-token.js';

const config = (env: Record<string, string>) => loadConfig({ env });
const fixed = () => 'generated-token';

describe('resolveOperatorToken', () => {
  it('uses HUB_OPERATOR_TOKEN when it is set, in any environment', () => {
    for (const APP_ENV of ['development', 'production'])
      expect(resolveOperatorToken(config({ APP_ENV, HUB_OPERATOR_TOKEN: 'given' }), fixed)).toEqual({
        ok: true,
        value: { token: 'given', generated: false },
      });
  });

  it('generates one in development', () => {
    expect(resolveOperatorToken(config({}), fixed)).toEqual({
      ok: true,
      value: { token: 'generated-token', generated: true },
    });
  });

  it('refuses to run without one in production, saying what to set', () => {
    const result = resolveOperatorToken(config({ APP_ENV: 'production' }), fixed);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ code: 'token_required' });
    expect(!result.ok && result.reason).toMatch(
      /^HUB_OPERATOR_TOKEN \(hub\.operatorToken\): required when APP_ENV=production/,
    );
  });
});
