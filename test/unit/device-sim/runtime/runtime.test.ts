import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../../device-sim/cli/status-line.js';
import { LatencyHistogram } from '../../../../device-sim/runtime/latency-histogram.js';
import { applyReconnectBackoff } from '../../../../device-sim/runtime/reconnect-backoff.js';
import { StatsCollector } from '../../../../device-sim/runtime/stats.js';
import { TimerHeap } from '../../../../device-sim/runtime/timer-heap.js';
import { createSimClock } from '../../../../device-sim/sim-clock.js';

describe('TimerHeap', () => {
  it('pops due keys in time order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 200 }), (dues) => {
        const heap = new TimerHeap();
        dues.forEach((due, key) => heap.schedule(key, due));
        const popped = heap.popDue(500).map((e) => e.dueMs);
        expect(popped).toEqual(dues.filter((d) => d <= 500).sort((a, b) => a - b));
        expect(heap.popDue(1000)).toHaveLength(dues.filter((d) => d > 500).length);
      }),
    );
  });

  it('keeps only the latest schedule of a key, and forgets cancelled ones', () => {
    const heap = new TimerHeap();
    heap.schedule(1, 100);
    heap.schedule(1, 10);
    heap.schedule(2, 20);
    heap.cancel(2);
    expect(heap.popDue(1000)).toEqual([{ key: 1, dueMs: 10 }]);
  });
});

describe('LatencyHistogram', () => {
  it('reports percentiles within 2 % and the exact maximum', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i);
    const p = h.percentiles();
    expect(p.count).toBe(1000);
    expect(p.p50).toBeGreaterThanOrEqual(500);
    expect(p.p50).toBeLessThanOrEqual(510);
    expect(p.p99).toBeGreaterThanOrEqual(990);
    expect(p.p99).toBeLessThanOrEqual(1000);
    expect(p.max).toBe(1000);
  });

  it('reports zeros when empty', () => {
    expect(new LatencyHistogram().percentiles()).toEqual({ count: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });
});

describe('applyReconnectBackoff', () => {
  it('grows the mqtt.js reconnect period per attempt and resets it on connect', () => {
    const client = Object.assign(new EventEmitter(), { options: { reconnectPeriod: 0 } });
    applyReconnectBackoff(client, { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
    const periods = [client.options.reconnectPeriod];
    for (let i = 0; i < 5; i++) {
      client.emit('reconnect');
      periods.push(client.options.reconnectPeriod);
    }
    expect(periods).toEqual([100, 200, 400, 800, 1000, 1000]);
    client.emit('connect');
    expect(client.options.reconnectPeriod).toBe(100);
  });

  it('spreads periods with jitter but never to 0', () => {
    const client = Object.assign(new EventEmitter(), { options: { reconnectPeriod: 0 } });
    applyReconnectBackoff(client, { initialMs: 1, maxMs: 10, factor: 2, jitter: 1 }, () => 0);
    expect(client.options.reconnectPeriod).toBe(1);
  });
});

describe('SimClock', () => {
  it('runs simulated time X times faster from its start', () => {
    const clock = createSimClock(Date.UTC(2025, 0, 1), 1_000, 3600);
    expect(clock.simAt(1_000)).toBe(Date.UTC(2025, 0, 1));
    expect(clock.simAt(2_000)).toBe(Date.UTC(2025, 0, 1, 1));
    expect(clock.wallSpan(3_600_000)).toBe(1000);
    expect(() => createSimClock(0, 0, 0)).toThrow(RangeError);
  });
});

describe('formatStatus', () => {
  it('shows the headline counters on one line', () => {
    const stats = new StatsCollector(10_000);
    stats.connected = 9_876;
    stats.sent = 1_234_567;
    stats.failures = 3;
    stats.error('connection.ECONNREFUSED');
    const line = formatStatus(stats.snapshot(Date.UTC(2025, 0, 1, 6, 30)), 9_812.4);
    expect(line).toContain('connected 9876/10000');
    expect(line).toContain('9812 msg/s');
    expect(line).toContain('sent 1.23M');
    expect(line).toContain('failures 3');
    expect(line).toContain('errors 1');
    expect(line).toContain('sim 2025-01-01 06:30');
    expect(line).not.toContain('\n');
  });
});
