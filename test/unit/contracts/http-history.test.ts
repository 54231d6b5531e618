import { describe, expect, it } from 'vitest';
import { deviceHistoryPath, historyQuerySchema } from '../../../contracts/index.js';

describe('device history request', () => {
  it('is under the device path', () => {
    expect(deviceHistoryPath('pump-1')).toBe('/api/devices/pump-1/history');
  });

  it('reads since as epoch milliseconds and one metric name, nothing else', () => {
    expect(historyQuerySchema.parse({ since: '1700000000000', metric: 'flow_m3h' })).toEqual({
      since: 1_700_000_000_000,
      metric: 'flow_m3h',
    });
    expect(historyQuerySchema.parse({})).toEqual({});
    expect(historyQuerySchema.safeParse({ since: 'yesterday' }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ metric: 'a b' }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ until: '1' }).success).toBe(false);
  });
});
