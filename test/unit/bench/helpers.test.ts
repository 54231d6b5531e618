import { describe, expect, it, vi } from 'vitest';
import { Cleanup } from '../../../bench/cleanup.js';
import { fdPlan, splitDevices } from '../../../bench/connections.js';
import { LatencyHistogram, latencySummary } from '../../../bench/latency.js';
import { ratio } from '../../../bench/limits.js';
import { mosquittoConfig } from '../../../bench/mosquitto.js';

describe('splitDevices', () => {
  it('spreads devices evenly over as few processes as the per-process cap allows', () => {
    expect(splitDevices(18_000, 9_000)).toEqual([9_000, 9_000]);
    expect(splitDevices(1_000, 9_000)).toEqual([1_000]);
    expect(splitDevices(9_001, 9_000)).toEqual([4_501, 4_500]);
  });
});

describe('fdPlan', () => {
  it('says how the devices fit under the per-process fd limit', () => {
    expect(fdPlan(18_000, [9_000, 9_000], 20_000)).toBe(
      '18000 device sockets in one gateway process (a hard limit of 20000, leaving 2000 for its other files); ' +
        'clients in 2 process(es) of at most 9000 sockets each',
    );
  });
});

describe('ratio', () => {
  it('rounds to three decimals and is null without a denominator', () => {
    expect(ratio(7_000, 21_000)).toBe(0.333);
    expect(ratio(1, 0)).toBeNull();
  });
});

describe('latencySummary', () => {
  it('adds p999 to the histogram percentiles', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 10_000; i++) h.record(i / 100);
    const s = latencySummary(h);
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeGreaterThan(48);
    expect(s.p50).toBeLessThan(52);
    expect(s.p999).toBeGreaterThan(s.p99);
    expect(s.p999).toBeLessThanOrEqual(s.max);
    expect(latencySummary(new LatencyHistogram())).toMatchObject({ count: 0, p999: 0 });
  });
});

describe('mosquittoConfig', () => {
  it('listens on loopback only, anonymous, in memory, with the queue limits given', () => {
    const config = mosquittoConfig(18_830, { maxInflightMessages: 100, maxQueuedMessages: 5 });
    expect(config).toContain('listener 18830 127.0.0.1\n');
    expect(config).toContain('allow_anonymous true\n');
    expect(config).toContain('set_tcp_nodelay true\n');
    expect(config).toContain('persistence false\n');
    expect(config).toContain('max_inflight_messages 100\n');
    expect(config).toContain('max_queued_messages 5\n');
  });
});

describe('Cleanup', () => {
  it('runs steps newest first, each once, even after one fails', async () => {
    const ran: string[] = [];
    const cleanup = new Cleanup();
    cleanup.add('a', () => Promise.resolve(ran.push('a')));
    cleanup.add('b', () => Promise.reject(new Error('b failed')));
    cleanup.add('c', () => Promise.resolve(ran.push('c')));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await cleanup.run();
      await cleanup.run();
      expect(stderr).toHaveBeenCalledWith(expect.stringContaining('cleanup "b" failed: Error: b failed'));
    } finally {
      stderr.mockRestore();
    }
    expect(ran).toEqual(['c', 'a']);
  });
});
