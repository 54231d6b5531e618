import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** What the primary of a gateway cluster adds to its workers' metrics. */
export class PrimaryMetrics {
  readonly registry = new Registry();

  readonly workersRunning = new Gauge({
    name: 'gateway_workers_running',
    help: 'Gateway workers of this host that are serving devices now',
    registers: [this.registry],
  });
  readonly workersConfigured = new Gauge({
    name: 'gateway_workers_configured',
    help: 'GATEWAY_WORKERS: the gateway workers this host should run',
    registers: [this.registry],
  });
  readonly workerRestarts = new Counter({
    name: 'gateway_worker_restarts_total',
    help: 'Gateway workers restarted after they exited unasked, by worker gateway id',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });
  readonly scrapeFailures = new Counter({
    name: 'gateway_worker_scrape_failures_total',
    help: 'Scrapes of a worker for /metrics that failed, by worker gateway id; its series are missing from that answer',
    labelNames: ['worker'] as const,
    registers: [this.registry],
  });

  constructor(gatewayId: string, workers: number) {
    this.registry.setDefaultLabels({ gateway: gatewayId });
    collectDefaultMetrics({ register: this.registry });
    this.workersConfigured.set(workers);
  }
}
