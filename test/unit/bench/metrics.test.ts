import { describe, expect, it } from 'vitest';
import {
  gatewayEventLoopLag,
  gatewayKafkaBetween,
  type GatewayScrape,
} from '../../../bench/gateway-metrics.js';
import { parseProcStat } from '../../../bench/usage.js';

const scrape = (overrides: Partial<GatewayScrape>): GatewayScrape => ({
  gateway_qos0_dropped_total: 0,
  gateway_kafka_send_duration_seconds_sum: 0,
  gateway_kafka_send_duration_seconds_count: 0,
  gateway_kafka_batch_records_sum: 0,
  nodejs_eventloop_lag_p50_seconds: 0.01,
  nodejs_eventloop_lag_p99_seconds: 0.01,
  nodejs_eventloop_lag_max_seconds: 0.01,
  ...overrides,
});

describe('gateway metrics between two scrapes', () => {
  it('gives sends, mean send time, mean batch size and QoS 0 drops', () => {
    const before = scrape({
      gateway_kafka_send_duration_seconds_count: 10,
      gateway_kafka_send_duration_seconds_sum: 1,
    });
    const after = scrape({
      gateway_kafka_send_duration_seconds_count: 110,
      gateway_kafka_send_duration_seconds_sum: 2.5,
      gateway_kafka_batch_records_sum: 25_000,
      gateway_qos0_dropped_total: 7,
    });
    expect(gatewayKafkaBetween(before, after)).toEqual({
      sends: 100,
      meanSendMs: 15,
      meanBatchRecords: 250,
      qos0Dropped: 7,
    });
    expect(gatewayKafkaBetween(after, after)).toMatchObject({
      sends: 0,
      meanSendMs: null,
      meanBatchRecords: null,
    });
  });

  it('reports event-loop delay beyond the 10 ms sampling interval', () => {
    const lag = gatewayEventLoopLag(
      scrape({
        nodejs_eventloop_lag_p50_seconds: 0.0101,
        nodejs_eventloop_lag_p99_seconds: 0.0473,
        nodejs_eventloop_lag_max_seconds: 0.0099,
      }),
    );
    expect(lag).toEqual({ p50: 0.1, p99: 37.3, max: 0 });
  });
});

describe('parseProcStat', () => {
  it('counts user, nice, system, irq, softirq and steal as busy; idle and iowait as not', () => {
    const stat = 'cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\n';
    expect(parseProcStat(stat)).toEqual({ busy: 170, total: 990 });
  });
});
