import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/influx.js';

describe('the local InfluxDB', () => {
  const db = useTestDatabase();

  it('answers /ping with 204', async () => {
    const response = await fetch(`${new URL(db.url).origin}/ping`);
    expect(response.status).toBe(204);
  });

  it('stores points written with the influx client and returns them to a query', async () => {
    const base = Date.now() - 60_000;
    await db.influx.writePoints(
      [0, 1, 2].map((i) => ({
        measurement: 'telemetry',
        tags: { device: 'pump-1' },
        fields: { temperature: 40 + i, vibration: 0.5 * i },
        timestamp: new Date(base + i * 1000),
      })),
      { precision: 'ms' },
    );
    // Writing the same (measurement, tags, timestamp) again replaces the point instead of adding one.
    await db.influx.writePoints(
      [
        {
          measurement: 'telemetry',
          tags: { device: 'pump-1' },
          fields: { temperature: 99, vibration: 9 },
          timestamp: new Date(base),
        },
      ],
      { precision: 'ms' },
    );
    const rows = await db.influx.query<{ temperature: number; vibration: number; device: string }>(
      `SELECT temperature, vibration, device FROM telemetry WHERE device = 'pump-1' ORDER BY time ASC`,
    );
    expect(rows.map((r) => r.temperature)).toEqual([99, 41, 42]);
    expect(rows.map((r) => r.vibration)).toEqual([9, 0.5, 1]);
  });
});
