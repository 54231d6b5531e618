import type { InfluxDB } from 'influx';
import { STATE_RETENTION_POLICY } from './measurements.js';

/** The default retention policy this project writes telemetry, health and alerts to. */
export const DATA_RETENTION_POLICY = 'iot_data';

export interface BootstrapOptions {
  database: string;
  retentionDays: number;
}

/**
 * Creates the database and its retention policies, or brings an existing policy's duration in
 * line with the configuration; idempotent, so every hub runs it at start.
 */
export async function ensureDatabase(influx: InfluxDB, o: BootstrapOptions): Promise<void> {
  await influx.createDatabase(o.database);
  const existing = new Map((await influx.showRetentionPolicies(o.database)).map((p) => [p.name, p]));
  const duration = `${o.retentionDays * 24}h`;
  const data = existing.get(DATA_RETENTION_POLICY);
  const options = { database: o.database, duration, replication: 1, isDefault: true };
  if (data === undefined) await influx.createRetentionPolicy(DATA_RETENTION_POLICY, options);
  else if (!data.default || data.duration !== `${o.retentionDays * 24}h0m0s`) {
    await influx.alterRetentionPolicy(DATA_RETENTION_POLICY, options);
  }
  // Device state is one point per device at a fixed time, rewritten in place: it must never expire.
  if (!existing.has(STATE_RETENTION_POLICY)) {
    await influx.createRetentionPolicy(STATE_RETENTION_POLICY, {
      database: o.database,
      duration: 'INF',
      replication: 1,
      isDefault: false,
    });
  }
}
