import { scrapeMetrics } from './prometheus.js';

/** Gateway /metrics series the ingest phases read (prom-client resets the event-loop figures at each scrape). */
const NAMES = [
  'gateway_qos0_dropped_total',
  'gateway_kafka_send_duration_seconds_sum',
  'gateway_kafka_send_duration_seconds_count',
  'gateway_kafka_batch_records_sum',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_eventloop_lag_max_seconds',
] as const;

export type GatewayScrape = Record<(typeof NAMES)[number], number>;

export function scrapeGateway(metricsUrl: string): Promise<GatewayScrape> {
  return scrapeMetrics(metricsUrl, NAMES);
}

const ms = (seconds: number): number => Math.round(seconds * 10_000) / 10;

/** The gateway's Kafka sends (batches) and dropped QoS 0 records between two scrapes. */
export function gatewayKafkaBetween(before: GatewayScrape, after: GatewayScrape) {
  const sends =
    after.gateway_kafka_send_duration_seconds_count - before.gateway_kafka_send_duration_seconds_count;
  const seconds =
    after.gateway_kafka_send_duration_seconds_sum - before.gateway_kafka_send_duration_seconds_sum;
  const records = after.gateway_kafka_batch_records_sum - before.gateway_kafka_batch_records_sum;
  return {
    sends,
    meanSendMs: sends > 0 ? ms(seconds / sends) : null,
    meanBatchRecords: sends > 0 ? Math.round((records / sends) * 10) / 10 : null,
    qos0Dropped: after.gateway_qos0_dropped_total - before.gateway_qos0_dropped_total,
  };
}

/** prom-client samples the event loop every 10 ms (its default), and its figures include that interval. */
export const EVENT_LOOP_SAMPLING_MS = 10;

/** The gateway's event-loop delay since the previous scrape, beyond the sampling interval. */
export function gatewayEventLoopLag(scrape: GatewayScrape) {
  const excess = (seconds: number): number => Math.max(0, ms(seconds - EVENT_LOOP_SAMPLING_MS / 1000));
  return {
    p50: excess(scrape.nodejs_eventloop_lag_p50_seconds),
    p99: excess(scrape.nodejs_eventloop_lag_p99_seconds),
    max: excess(scrape.nodejs_eventloop_lag_max_seconds),
  };
}
