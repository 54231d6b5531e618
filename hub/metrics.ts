import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { KafkaConsumerMonitor } from '../common/kafka/consumer-monitor.js';

/** Every metric the hub exposes on /metrics, in one registry per process. */
export class HubMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'hub_http_requests_total',
    help: 'HTTP requests answered, by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'hub_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly authFailures = new Counter({
    name: 'hub_auth_failures_total',
    help: 'Operator requests refused, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly registryDevices = new Gauge({
    name: 'hub_registry_devices',
    help: 'Devices in the registry as this hub sees it',
    registers: [this.registry],
  });
  readonly kafkaConnected = new Gauge({
    name: 'hub_kafka_connected',
    help: '1 when the hub producer is connected',
    registers: [this.registry],
  });
  /** hub_kafka_records_skipped_total, hub_kafka_consumer_restarts_total, hub_kafka_consumer_up. */
  readonly kafkaConsumers = new KafkaConsumerMonitor('hub', this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  // Methods outside the table would otherwise grow the label set without bound.
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const knownMethod = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? method : 'other';
    this.httpRequests.inc({ route, method: knownMethod, status: String(status) });
    this.httpDuration.observe({ route }, seconds);
  }
}
