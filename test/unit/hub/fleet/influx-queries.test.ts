import { describe, expect, it } from 'vitest';
import {
  HOUR_MS,
  InfluxQueryError,
  healthPointsOf,
  historyOf,
  historyQueries,
  historyWindow,
  rawResponseSchema,
} from '../../../../hub/fleet/influx-queries.js';

const answer = (result: unknown) => rawResponseSchema.parse({ results: [result] });

describe('fleet InfluxDB queries', () => {
  it("reads the hour before the device's latest reading, in at most 720 buckets of whole seconds", () => {
    const now = 10 * HOUR_MS;
    expect(historyWindow({ deviceId: 'd' }, now, undefined)).toEqual({
      deviceId: 'd',
      since: now - HOUR_MS,
      until: now + 60_000,
      bucketMs: 6000,
    });
    // A simulator running ahead of the clock: the device's own last hour.
    const ahead = now + 5 * HOUR_MS;
    expect(historyWindow({ deviceId: 'd', metric: 'temp_c' }, now, ahead)).toMatchObject({
      since: ahead - HOUR_MS,
      until: ahead + 60_000,
      metric: 'temp_c',
    });
    expect(historyWindow({ deviceId: 'd', since: now - 60_000 }, now, undefined).bucketMs).toBe(1000);
  });

  it('quotes what it puts in a query', () => {
    const queries = historyQueries({ deviceId: 'd-1', since: 1, until: 2, bucketMs: 1000, metric: 'temp_c' });
    expect(queries.telemetry).toBe(
      `SELECT mean("temp_c") AS "temp_c" FROM "telemetry" WHERE "device" = 'd-1' AND time >= 1ms AND time <= 2ms GROUP BY time(1000ms) fill(none)`,
    );
    expect(queries.health).toMatch(
      /^SELECT mean\("health"\) AS "health", mean\("rul_hours"\) AS "rul_hours" FROM "device_health" WHERE/,
    );
  });

  it('turns the latest health rows into points, leaving out an unknown RUL', () => {
    const raw = answer({
      series: [
        {
          name: 'device_health',
          tags: { device: 'a' },
          columns: ['time', 'health', 'rul_hours'],
          values: [[5, 0.5, 3]],
        },
        {
          name: 'device_health',
          tags: { device: 'b' },
          columns: ['time', 'health', 'rul_hours'],
          values: [[6, 1.2, null]],
        },
        {
          name: 'device_health',
          tags: { device: 'c' },
          columns: ['time', 'health', 'rul_hours'],
          values: [[7, null, 1]],
        },
      ],
    });
    expect(healthPointsOf(raw)).toEqual([
      { deviceId: 'a', at: 5, health: 0.5, rulHours: 3 },
      { deviceId: 'b', at: 6, health: 1 },
    ]);
  });

  it('reads history columns, drops metrics the device does not have, and treats a missing database as empty', () => {
    const window = { deviceId: 'a', since: 0, until: 10, bucketMs: 1000 };
    const telemetry = answer({
      series: [
        {
          name: 'telemetry',
          columns: ['time', 'mean_t', 'mean_rpm'],
          values: [
            [0, 1, null],
            [1000, 2, null],
          ],
        },
      ],
    });
    const health = answer({ error: 'database not found: iot' });
    expect(historyOf({ telemetry, health }, window)).toEqual({
      ...window,
      telemetry: { times: [0, 1000], metrics: { t: [1, 2] } },
      health: { times: [], health: [], rulHours: [] },
    });
    expect(() => historyOf({ telemetry, health: answer({ error: 'timeout' }) }, window)).toThrow(
      InfluxQueryError,
    );
  });
});
