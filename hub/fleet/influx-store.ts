import type { InfluxDB } from 'influx';
import type { DeviceHistory } from '../../contracts/index.js';
import type { HealthPoint } from './fleet-state.js';
import {
  LATEST_HEALTH_QUERY,
  historyOf,
  historyQueries,
  healthPointsOf,
  rawResponseSchema,
  type HistoryWindow,
  type RawResponse,
} from './influx-queries.js';

/** What the fleet view reads from InfluxDB (written there by the maintenance consumer). */
export interface FleetStore {
  latestHealth(): Promise<HealthPoint[]>;
  history(window: HistoryWindow): Promise<DeviceHistory>;
}

export class InfluxFleetStore implements FleetStore {
  constructor(
    private readonly influx: InfluxDB,
    private readonly database: string,
  ) {}

  async latestHealth(): Promise<HealthPoint[]> {
    return healthPointsOf(await this.query(LATEST_HEALTH_QUERY));
  }

  async history(window: HistoryWindow): Promise<DeviceHistory> {
    const queries = historyQueries(window);
    const [telemetry, health] = await Promise.all([
      this.query(queries.telemetry),
      this.query(queries.health),
    ]);
    return historyOf({ telemetry, health }, window);
  }

  private async query(text: string): Promise<RawResponse> {
    const raw: unknown = await this.influx.queryRaw(text, { database: this.database, precision: 'ms' });
    return rawResponseSchema.parse(raw);
  }
}
