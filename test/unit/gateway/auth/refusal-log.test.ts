import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../../../common/logger.js';
import type { DeviceAuthenticator } from '../../../../gateway/auth/authenticator.js';
import { RefusalLog, withRefusalLog } from '../../../../gateway/auth/refusal-log.js';

function fakeLogger() {
  const warn = vi.fn();
  return { warn, logger: { warn } as unknown as Logger };
}

describe('RefusalLog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('logs a flood of refusals one by one up to the limit, then one summary per interval', () => {
    const { warn, logger } = fakeLogger();
    const log = new RefusalLog(logger, 3, 1_000);
    for (let i = 0; i < 100; i++) log.refused('dev-1', i % 2 ? 'wrong secret' : 'unknown device');
    expect(warn).toHaveBeenCalledTimes(3);
    vi.advanceTimersByTime(1_000);
    expect(warn).toHaveBeenCalledTimes(4);
    expect(warn.mock.lastCall?.[0]).toMatchObject({ byReason: { 'wrong secret': 49, 'unknown device': 48 } });
    log.refused('dev-1', 'wrong secret');
    expect(warn).toHaveBeenCalledTimes(5);
    expect(warn.mock.lastCall?.[0]).toEqual({ clientId: 'dev-1', reason: 'wrong secret' });
  });

  it('withRefusalLog logs refusals and passes every outcome on', async () => {
    const { warn, logger } = fakeLogger();
    const inner: DeviceAuthenticator = {
      authenticate: (clientId) =>
        Promise.resolve(
          clientId === 'ok'
            ? { ok: true, value: clientId }
            : { ok: false, code: 'bad_credentials', reason: 'wrong secret' },
        ),
    };
    const auth = withRefusalLog(inner, new RefusalLog(logger));
    expect(await auth.authenticate('ok', 'ok', undefined)).toEqual({ ok: true, value: 'ok' });
    expect(await auth.authenticate('no', 'no', undefined)).toMatchObject({ code: 'bad_credentials' });
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
