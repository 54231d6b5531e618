import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/index.js';
import { shareOf, workerLimits } from '../../../../gateway/cluster/worker-limits.js';

describe('shareOf', () => {
  it('splits a total into shares that add up to it and differ by at most one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 256 }),
        (total, workers) => {
          const shares = Array.from({ length: workers }, (_, i) => shareOf(total, workers, i));
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('gives the first workers the remainder', () => {
    expect([0, 1, 2].map((i) => shareOf(50_000, 3, i))).toEqual([16_667, 16_667, 16_666]);
  });
});

describe('workerLimits', () => {
  it("divides the host's connection limits between the workers", () => {
    const { gateway } = configSchema.parse({
      gateway: {
        workers: 2,
        maxConnections: 50_001,
        connectsPerIpPerSecond: 2000,
        maxPendingConnections: 2001,
        maxPendingConnectionsPerAddress: 3,
      },
    });
    expect(workerLimits(gateway, 0)).toEqual({
      maxConnections: 25_001,
      connectsPerIpPerSecond: 1000,
      maxPendingConnections: 1001,
      maxPendingConnectionsPerAddress: 2,
    });
    expect(workerLimits(gateway, 1)).toEqual({
      maxConnections: 25_000,
      connectsPerIpPerSecond: 1000,
      maxPendingConnections: 1000,
      maxPendingConnectionsPerAddress: 1,
    });
  });

  it('is the whole limit with one worker', () => {
    const { gateway } = configSchema.parse({});
    expect(workerLimits(gateway, 0)).toEqual({
      maxConnections: gateway.maxConnections,
      connectsPerIpPerSecond: gateway.connectsPerIpPerSecond,
      maxPendingConnections: gateway.maxPendingConnections,
      maxPendingConnectionsPerAddress: gateway.maxPendingConnectionsPerAddress,
    });
  });
});

describe('GATEWAY_WORKERS in the config', () => {
  it('defaults to 1', () => {
    expect(configSchema.parse({}).gateway.workers).toBe(1);
  });

  it('refuses a GATEWAY_ID too long for the worker ids derived from it', () => {
    const id = 'g'.repeat(125);
    expect(configSchema.safeParse({ gateway: { workers: 9, id } }).success).toBe(true);
    const result = configSchema.safeParse({ gateway: { workers: 10, id } });
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      `too long for GATEWAY_WORKERS=10: worker ids such as ${id}-w10 must fit 128 characters`,
    ]);
  });

  it('refuses a split limit smaller than the number of workers, naming both settings', () => {
    const result = configSchema.safeParse({ gateway: { workers: 4, maxConnections: 3 } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toEqual([
      'GATEWAY_MAX_CONNECTIONS (3) must be at least GATEWAY_WORKERS (4): each worker gets a share',
    ]);
  });
});
