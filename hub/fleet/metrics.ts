import { Counter, Gauge, type Registry } from 'prom-client';

export class FleetMetrics {
  readonly invalidRecords: Counter<'topic'>;
  readonly healthReadFailures: Counter;

  constructor(registry: Registry, view: { size: number; onlineCount: number; ignored: number }) {
    const registers = [registry];
    new Gauge({
      name: 'hub_fleet_devices',
      help: 'Devices in the fleet view: the registry plus devices seen without being in it',
      registers,
      collect() {
        this.set(view.size);
      },
    });
    new Gauge({
      name: 'hub_fleet_devices_online',
      help: 'Devices whose latest presence is connected',
      registers,
      collect() {
        this.set(view.onlineCount);
      },
    });
    new Gauge({
      name: 'hub_fleet_records_ignored',
      help: 'Records about unregistered devices beyond the fleet view cap, ignored since start',
      registers,
      collect() {
        this.set(view.ignored);
      },
    });
    this.invalidRecords = new Counter({
      name: 'hub_fleet_records_invalid_total',
      help: 'Unreadable records on the presence, alerts and telemetry topics, by topic',
      labelNames: ['topic'] as const,
      registers,
    });
    this.healthReadFailures = new Counter({
      name: 'hub_fleet_health_read_failures_total',
      help: 'Failed reads of the latest device health from InfluxDB',
      registers,
    });
  }
}
