import type { Feature, HealthFragment } from '../../common/process/feature.js';
import { startMaintenance, type MaintenanceDeps, type MaintenanceService } from './index.js';

/**
 * Predictive maintenance in the hub: a consumer group on telemetry shared by every hub process.
 * Its start returns at once; InfluxDB set-up and the group join go on in the background, and the
 * hub serves meanwhile (its health says `starting`).
 */
export class MaintenanceFeature implements Feature {
  readonly name = 'maintenance';
  private service: MaintenanceService | undefined;

  constructor(private readonly deps: MaintenanceDeps) {}

  start(): Promise<void> {
    this.service = startMaintenance(this.deps);
    return Promise.resolve();
  }

  health(): HealthFragment {
    return this.service ? { maintenance: this.service.status() } : {};
  }

  async stop(): Promise<void> {
    await this.service?.stop();
  }
}
