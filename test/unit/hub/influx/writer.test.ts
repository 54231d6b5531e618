import type { InfluxDB, IPoint } from 'influx';
import { RequestError } from 'influx/lib/src/pool.js';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { PointWriter } from '../../../../hub/influx/writer.js';

const DAY = 86_400_000;
const NOW = 100 * DAY;

function fakeInflux(respond: (points: IPoint[]) => Promise<void>): {
  influx: InfluxDB;
  requests: IPoint[][];
} {
  const requests: IPoint[][] = [];
  const influx = {
    writePoints: (points: IPoint[]) => {
      requests.push(points);
      return respond(points);
    },
  } as unknown as InfluxDB;
  return { influx, requests };
}

const point = (timestamp: number): IPoint => ({
  measurement: 'telemetry',
  tags: { device: 'd' },
  fields: { v: 1 },
  timestamp,
});

describe('PointWriter', () => {
  it('drops points older than the retention policy instead of sending them, and counts them', async () => {
    const { influx, requests } = fakeInflux(() => Promise.resolve());
    const writer = new PointWriter(influx, {
      database: 'iot',
      retentionPolicy: 'rp',
      retentionMs: 30 * DAY,
      maxPointsPerRequest: 2,
      now: () => NOW,
    });
    const outcome = await writer.write([
      point(NOW - 40 * DAY),
      point(NOW - 1),
      point(NOW - 2),
      point(NOW - 3),
    ]);
    expect(outcome).toMatchObject({ written: 3, droppedBeyondRetention: 1, droppedRejected: 0 });
    expect(requests.map((r) => r.length)).toEqual([2, 1]);
  });

  it('counts what InfluxDB refused in a partial write and carries on', async () => {
    const refuse = () =>
      Promise.reject(
        new RequestError(
          {} as ClientRequest,
          { statusCode: 400 } as IncomingMessage,
          '{"error":"partial write: field type conflict dropped=1"}',
        ),
      );
    const { influx } = fakeInflux(refuse);
    const writer = new PointWriter(influx, {
      database: 'iot',
      retentionPolicy: 'rp',
      retentionMs: Infinity,
      maxPointsPerRequest: 10,
    });
    expect(await writer.write([point(1), point(2)])).toMatchObject({ written: 1, droppedRejected: 1 });
  });

  it('throws a retriable error when InfluxDB cannot be reached', async () => {
    const { influx } = fakeInflux(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:8086')));
    const writer = new PointWriter(influx, {
      database: 'iot',
      retentionPolicy: 'rp',
      retentionMs: Infinity,
      maxPointsPerRequest: 10,
    });
    await expect(writer.write([point(1)])).rejects.toMatchObject({ code: 'unavailable', retriable: true });
  });
});
