import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the maintenance consumer exposes on /metrics; registered in the hub's registry when given one. */
export class MaintenanceMetrics {
  readonly records: Counter<'outcome'>;
  readonly points: Counter<'measurement'>;
  readonly pointsDropped: Counter<'reason'>;
  readonly writeFailures: Counter<'code'>;
  readonly alerts: Counter<'severity'>;
  readonly publishDropped: Counter<'kind'>;
  readonly influxUp: Gauge;
  readonly devices: Gauge;
  readonly batchSeconds: Histogram;

  constructor(registry: Registry = new Registry()) {
    const registers = [registry];
    this.records = new Counter({
      name: 'maintenance_records_total',
      help: 'Telemetry records consumed, by outcome (assessed, unmodelled, stale, dead_letter; unassessed: stored without an assessment after an earlier reading of the device failed in the same batch)',
      labelNames: ['outcome'] as const,
      registers,
    });
    this.points = new Counter({
      name: 'maintenance_points_total',
      help: 'Points sent to InfluxDB, by measurement (those it refused also count in maintenance_points_dropped_total)',
      labelNames: ['measurement'] as const,
      registers,
    });
    this.pointsDropped = new Counter({
      name: 'maintenance_points_dropped_total',
      help: 'Points InfluxDB refused or would refuse, by reason (retention, rejected)',
      labelNames: ['reason'] as const,
      registers,
    });
    this.writeFailures = new Counter({
      name: 'maintenance_influx_write_failures_total',
      help: 'Failed InfluxDB requests that were retried, by error code',
      labelNames: ['code'] as const,
      registers,
    });
    this.alerts = new Counter({
      name: 'maintenance_alerts_total',
      help: 'Alert records published, by severity (info is a clear)',
      labelNames: ['severity'] as const,
      registers,
    });
    this.publishDropped = new Counter({
      name: 'maintenance_publish_dropped_total',
      help: 'Alerts and dead letters not published because Kafka refused them for good, by kind (alert, dead_letter)',
      labelNames: ['kind'] as const,
      registers,
    });
    this.influxUp = new Gauge({
      name: 'maintenance_influx_up',
      help: '1 while InfluxDB accepts writes, 0 while the consumer waits for it',
      registers,
    });
    this.devices = new Gauge({
      name: 'maintenance_devices',
      help: 'Devices whose health state this process holds',
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'maintenance_batch_seconds',
      help: 'Time to assess and store one Kafka batch, waiting for InfluxDB included',
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
  }
}
