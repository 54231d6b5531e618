import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCHEMAS,
  buildHeaders,
  deviceHistorySchema,
  type AlertRecord,
  type PresenceRecord,
  type TelemetryRecord,
} from '../../../contracts/index.js';
import { FleetStore } from '../../../hub/web/client/fleet-store.js';
import { openConsole, type ConsoleClient } from '../../helpers/console-client.js';
import { callHub, provisionDevice } from '../../helpers/hub-api.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestDatabase } from '../../helpers/influx.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { waitFor } from '../../helpers/wait.js';

/** The fleet as a console sees it: its snapshot with every change applied, as the page does. */
function fleetOf(console: ConsoleClient): FleetStore {
  const store = new FleetStore();
  for (const m of console.messages) {
    if (m.type === 'fleetSnapshot') store.reset(m.devices);
    else if (m.type === 'fleetChanges') store.apply(m);
  }
  return store;
}

describe('the fleet view: Kafka and InfluxDB to the console', () => {
  // One partition: records written one after another are read in that order.
  const ctx = useTestTopics({ partitions: 1 });
  const db = useTestDatabase();
  const token = `op-${randomBytes(24).toString('base64url')}`;
  let hub: HubProcess;
  let producer: Producer;

  const send = async (topic: string, schema: string, records: { deviceId: string }[]): Promise<void> => {
    await producer.send({
      topic,
      acks: -1,
      messages: records.map((r) => ({
        key: r.deviceId,
        value: JSON.stringify(r),
        headers: buildHeaders({ deviceId: r.deviceId, schema }),
      })),
    });
  };
  const presence = (records: PresenceRecord[]) => send(ctx.topics.presence, SCHEMAS.presence, records);
  const alerts = (records: AlertRecord[]) => send(ctx.topics.alerts, SCHEMAS.alerts, records);
  const telemetry = (records: TelemetryRecord[]) => send(ctx.topics.telemetry, SCHEMAS.telemetry, records);

  beforeAll(async () => {
    hub = await startHubProcess({
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      HUB_OPERATOR_TOKEN: token,
      INFLUX_URL: db.url,
    });
    for (const id of ['f-1', 'f-2']) await provisionDevice(hub, id);
    producer = ctx.kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await hub?.stop();
  });

  it('shows presence (a stale gateway cannot take a device offline), alerts and health as they change', async () => {
    const console = await openConsole(hub.url, token);
    try {
      const snapshot = await console.next('fleetSnapshot');
      expect(snapshot.devices.map((d) => [d.deviceId, d.online])).toEqual([
        ['f-1', false],
        ['f-2', false],
      ]);

      await presence([
        { deviceId: 'f-1', status: 'connected', gatewayId: 'gw-a', at: 10 },
        { deviceId: 'f-1', status: 'connected', gatewayId: 'gw-b', at: 20 },
        { deviceId: 'f-1', status: 'disconnected', gatewayId: 'gw-a', at: 30, reason: 'keepalive-timeout' },
        { deviceId: 'f-2', status: 'connected', gatewayId: 'gw-a', at: 40 },
      ]);
      // f-2's record comes after f-1's in the one partition: once it shows, f-1's were all read.
      await waitFor(() => fleetOf(console).devices.get('f-2')?.online, 20_000, 'f-2 online');
      expect(fleetOf(console).devices.get('f-1')).toMatchObject({
        online: true,
        gatewayId: 'gw-b',
        presenceAt: 20,
      });

      const base = { deviceId: 'f-1', kind: 'degradation', score: 0.3, metric: 'temp_c' };
      await alerts([{ ...base, at: 100, severity: 'warning', rulHours: 9, message: 'temp_c drifting' }]);
      expect((await console.next('alert')).alert).toMatchObject({ deviceId: 'f-1', severity: 'warning' });
      await waitFor(() => fleetOf(console).devices.get('f-1')?.alerts.length === 1, 20_000, 'an open alert');
      await alerts([{ ...base, at: 200, severity: 'info', message: 'warning cleared' }]);
      await waitFor(
        () => fleetOf(console).devices.get('f-1')?.alerts.length === 0,
        20_000,
        'the alert cleared',
      );

      const healthAt = Date.now() - 30_000;
      await db.influx.writePoints(
        [
          {
            measurement: 'device_health',
            tags: { device: 'f-1' },
            fields: { health: 0.9, rul_hours: 30 },
            timestamp: healthAt - 1000,
          },
          {
            measurement: 'device_health',
            tags: { device: 'f-1' },
            fields: { health: 0.42, rul_hours: 7.5 },
            timestamp: healthAt,
          },
        ],
        { precision: 'ms' },
      );
      await waitFor(
        () => fleetOf(console).devices.get('f-1')?.health === 0.42,
        20_000,
        'health from InfluxDB',
      );
      expect(fleetOf(console).devices.get('f-1')).toMatchObject({ rulHours: 7.5, healthAt });

      // A console that connects now gets all of it in its snapshot, with the recent alerts.
      const late = await openConsole(hub.url, token);
      const lateSnapshot = await late.next('fleetSnapshot');
      expect(lateSnapshot.devices.find((d) => d.deviceId === 'f-1')).toMatchObject({
        online: true,
        gatewayId: 'gw-b',
        health: 0.42,
        alerts: [],
      });
      expect(lateSnapshot.recentAlerts.map((a) => a.severity)).toEqual(['warning', 'info']);
      await late.close();
    } finally {
      await console.close();
    }
  });

  it('sends the readings of watched devices only to the consoles that watch them', async () => {
    const [watcher, other] = await Promise.all([openConsole(hub.url, token), openConsole(hub.url, token)]);
    try {
      watcher.send({ type: 'watch', requestId: 'w1', deviceIds: ['f-2'] });
      expect(await watcher.next('watching')).toEqual({
        type: 'watching',
        requestId: 'w1',
        deviceIds: ['f-2'],
      });
      watcher.send({
        type: 'watch',
        requestId: 'w2',
        deviceIds: Array.from({ length: 64 }, (_, i) => `x-${i}`),
      });
      expect(await watcher.next('error', (m) => m.requestId === 'w2')).toMatchObject({
        code: 'invalid_request',
      });

      // The hub follows telemetry from the latest offset once its consumer has joined; keep writing until then.
      let seq = 0;
      const reading = async (): Promise<void> => {
        const now = Date.now();
        await telemetry([
          { deviceId: 'f-2', ts: now, receivedAt: now, seq: seq++, metrics: { temp_c: 40 + seq } },
        ]);
      };
      await waitFor(
        async () => {
          await reading();
          return watcher.messages.some((m) => m.type === 'telemetry');
        },
        20_000,
        'a reading of f-2',
      );
      const sample = (await watcher.next('telemetry')).samples[0];
      expect(sample).toMatchObject({ deviceId: 'f-2', metrics: { temp_c: expect.any(Number) as number } });
      await waitFor(() => fleetOf(other).devices.get('f-2')?.lastSeen, 20_000, 'last seen of f-2');
      expect(other.messages.filter((m) => m.type === 'telemetry')).toEqual([]);

      watcher.send({ type: 'unwatch', requestId: 'u1', deviceIds: ['f-2'] });
      expect(await watcher.next('watching', (m) => m.requestId === 'u1')).toMatchObject({ deviceIds: [] });
    } finally {
      await Promise.all([watcher.close(), other.close()]);
    }
  });

  it('answers the history of a device from InfluxDB, for the operator only', async () => {
    const now = Date.now();
    await db.influx.writePoints(
      [0, 1, 2].map((i) => ({
        measurement: 'telemetry',
        tags: { device: 'f-2' },
        fields: { temp_c: 20 + i },
        timestamp: now - (3 - i) * 60_000,
      })),
      { precision: 'ms' },
    );
    const answer = await callHub(hub, 'GET', '/api/devices/f-2/history');
    expect(answer.status).toBe(200);
    const history = deviceHistorySchema.parse(answer.body);
    expect(history.telemetry.metrics.temp_c?.filter((v) => v !== null).slice(0, 3)).toEqual([20, 21, 22]);
    expect(history.until - history.since).toBeGreaterThanOrEqual(3_600_000);

    expect((await callHub(hub, 'GET', '/api/devices/nobody/history')).status).toBe(404);
    expect((await callHub(hub, 'GET', '/api/devices/f-2/history?since=x')).status).toBe(400);
    expect((await callHub(hub, 'GET', '/api/devices/f-2/history', { token: null })).status).toBe(401);
  });
});
