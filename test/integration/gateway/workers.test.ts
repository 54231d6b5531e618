import { createServer, type AddressInfo } from 'node:net';
import type { Producer } from 'kafkajs';
import type { IClientOptions } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCommand } from '../../helpers/commands.js';
import { commandDevice, type TestDevice } from '../../helpers/devices.js';
import {
  startGatewayClusterProcess,
  type GatewayClusterProcess,
} from '../../helpers/gateway-cluster-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice, sessionPresentOf } from '../../helpers/mqtt.js';
import { RawMqttClient } from '../../helpers/raw-mqtt.js';
import { waitFor } from '../../helpers/wait.js';

type Presence = [status: unknown, gatewayId: unknown, reason: unknown];

interface Located<T> {
  device: T;
  /** The worker that wrote the connection's "connected". */
  gatewayId: string;
}

describe('gateway workers (GATEWAY_WORKERS=2)', () => {
  const ctx = useTestTopics({ partitions: 2 });
  let cluster: GatewayClusterProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };
  let producer: Producer;

  beforeAll(async () => {
    cluster = await startGatewayClusterProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-workers' });
    collected = await collectTopics(ctx.kafka, [ctx.topics.presence, ctx.topics.commandStatus]);
    producer = ctx.kafka.producer();
    await producer.connect();
  });
  afterAll(async () => {
    await producer?.disconnect();
    await collected?.stop();
    await cluster?.stop();
  });

  const presenceOf = (deviceId: string): Presence[] =>
    collected.records
      .filter((r) => r.topic === ctx.topics.presence && r.key === deviceId)
      .map((r) => [r.value.status, r.value.gatewayId, r.value.reason]);

  const statusesOf = (commandId: string): [unknown, unknown][] =>
    collected.records
      .filter((r) => r.topic === ctx.topics.commandStatus && r.value.id === commandId)
      .map((r) => [r.value.status, r.value.gatewayId]);

  /** Connects with `open` and finds out, from presence, which worker the connection landed on. */
  async function locate<T>(deviceId: string, open: () => Promise<T>): Promise<Located<T>> {
    const before = presenceOf(deviceId).length;
    const device = await open();
    const gatewayId = await waitFor(
      () =>
        presenceOf(deviceId)
          .slice(before)
          .find(([status]) => status === 'connected')?.[1] as string,
      20_000,
      `a "connected" of ${deviceId}`,
    );
    return { device, gatewayId };
  }

  /**
   * A command device connected to a worker `accept` takes. Whichever worker accepts first gets a
   * connection, so one that landed elsewhere is closed cleanly and tried again.
   */
  async function landOn(
    deviceId: string,
    accept: (gatewayId: string) => boolean,
    options: IClientOptions = {},
    url = cluster.mqttUrl,
  ): Promise<Located<TestDevice>> {
    // Workers accept as they are free, not in turn: give chance enough tries.
    for (let attempt = 0; attempt < 20; attempt++) {
      const located = await locate(deviceId, () => commandDevice(url, deviceId, 'succeeded', options));
      if (accept(located.gatewayId)) return located;
      await disconnectCleanly(deviceId, located);
    }
    throw new Error(`${deviceId} never landed on the worker it needs`);
  }

  async function disconnectCleanly(
    deviceId: string,
    { device, gatewayId }: Located<TestDevice>,
  ): Promise<void> {
    await device.client.endAsync();
    await waitFor(
      () => presenceOf(deviceId).at(-1)?.[0] === 'disconnected',
      20_000,
      `the "disconnected" of ${deviceId} from ${gatewayId}`,
    );
  }

  async function commandSucceeds(deviceId: string, gatewayId: string, device: TestDevice): Promise<void> {
    const command = await writeCommand(producer, ctx.topics.commands, { deviceId, name: 'reboot' });
    const statuses = await waitFor(
      () => (statusesOf(command.id).at(-1)?.[0] === 'succeeded' ? statusesOf(command.id) : null),
      20_000,
      `command ${command.id} to ${deviceId} to succeed`,
    );
    expect(statuses).toEqual([
      ['sent', gatewayId],
      ['delivered', gatewayId],
      ['succeeded', gatewayId],
    ]);
    expect(device.received.map((r) => r.id)).toContain(command.id);
  }

  it('names the workers after the gateway id and reports each of them healthy', async () => {
    expect(cluster.workerIds).toEqual(['gw-workers-w1', 'gw-workers-w2']);
    const { status, body } = await cluster.health();
    expect(status).toBe(200);
    expect(body.gatewayId).toBe('gw-workers');
    expect(body.workers.map((w) => [w.gatewayId, w.state, w.healthy])).toEqual([
      ['gw-workers-w1', 'running', true],
      ['gw-workers-w2', 'running', true],
    ]);
    const metrics = await cluster.metrics();
    expect(metrics.match(/^# TYPE gateway_connections gauge$/gm)).toHaveLength(1);
    for (const id of cluster.workerIds) expect(metrics).toContain(`gateway_connections{gateway="${id}"}`);
    expect(metrics).toContain('gateway_workers_running{gateway="gw-workers"} 2');
  });

  it('delivers commands to devices on either worker, through the worker that holds each', async () => {
    const first = await landOn('wk-cmd-1', () => true);
    const second = await landOn('wk-cmd-2', (gatewayId) => gatewayId !== first.gatewayId);
    expect([first.gatewayId, second.gatewayId].sort()).toEqual(cluster.workerIds);
    await commandSucceeds('wk-cmd-1', first.gatewayId, first.device);
    await commandSucceeds('wk-cmd-2', second.gatewayId, second.device);
  });

  it('shares the WebSocket listener too', async () => {
    const url = `ws://127.0.0.1:${cluster.ports.mqttWs}`;
    const first = await landOn('wk-ws-1', () => true, {}, url);
    const second = await landOn('wk-ws-2', (gatewayId) => gatewayId !== first.gatewayId, {}, url);
    expect([first.gatewayId, second.gatewayId].sort()).toEqual(cluster.workerIds);
    await commandSucceeds('wk-ws-1', first.gatewayId, first.device);
    await commandSucceeds('wk-ws-2', second.gatewayId, second.device);
  });

  it('keeps presence right when a device disconnects from one worker and reconnects to the other', async () => {
    const first = await landOn('wk-move', () => true);
    await disconnectCleanly('wk-move', first);
    const moved = await landOn('wk-move', (gatewayId) => gatewayId !== first.gatewayId);
    const records = presenceOf('wk-move');
    const visitsOfFirst = (records.length - 1) / 2;
    expect(records).toEqual([
      ...Array.from({ length: visitsOfFirst }, (): Presence[] => [
        ['connected', first.gatewayId, undefined],
        ['disconnected', first.gatewayId, 'clean'],
      ]).flat(),
      ['connected', moved.gatewayId, undefined],
    ]);
    await commandSucceeds('wk-move', moved.gatewayId, moved.device);
  });

  it('holds the clean=false policy across workers: a new session on the other, no command twice on return', async () => {
    const persistent: IClientOptions = { clean: false };
    const sessionPresent = ({ device }: Located<TestDevice>): boolean | undefined =>
      sessionPresentOf(device.client);
    const home = await landOn('wk-session', () => true, persistent);
    await disconnectCleanly('wk-session', home);

    const away = await landOn('wk-session', (gatewayId) => gatewayId !== home.gatewayId, persistent);
    expect(sessionPresent(away)).toBe(false);
    const command = await writeCommand(producer, ctx.topics.commands, {
      deviceId: 'wk-session',
      name: 'reboot',
    });
    await waitFor(
      () => statusesOf(command.id).at(-1)?.[0] === 'succeeded',
      20_000,
      `command ${command.id} to succeed on ${away.gatewayId}`,
    );
    expect(statusesOf(command.id).every(([, gatewayId]) => gatewayId === away.gatewayId)).toBe(true);
    await disconnectCleanly('wk-session', away);

    const back = await landOn('wk-session', (gatewayId) => gatewayId === home.gatewayId, persistent);
    expect(sessionPresent(back)).toBe(true);
    // The session the first worker kept never queued the command the other worker delivered.
    await commandSucceeds('wk-session', home.gatewayId, back.device);
    expect(back.device.received.map((r) => r.id)).not.toContain(command.id);
    expect(statusesOf(command.id).map(([status]) => status)).toEqual(['sent', 'delivered', 'succeeded']);
  });

  it('keeps a stale connection on one worker from announcing a disconnect after the device moved to the other', async () => {
    for (let attempt = 0; attempt < 15; attempt++) {
      const deviceId = `wk-stale-${attempt}`;
      // The first connection goes silent, as when a device's network drops without a FIN.
      const stale = await locate(deviceId, async () => {
        const raw = await RawMqttClient.open(cluster.ports.mqtt);
        await raw.connect(deviceId, { keepalive: 2 });
        return raw;
      });
      const moved = await locate(deviceId, () => commandDevice(cluster.mqttUrl, deviceId));
      // On the same worker the new connection simply took the session over: try with another device.
      if (moved.gatewayId === stale.gatewayId) continue;
      // The stale worker closes the silent connection after 1.5 keepalives (3 s)...
      await stale.device.whenClosed;
      // ...and must not write a "disconnected" for it: watch the presence topic for a while.
      await new Promise((r) => setTimeout(r, 1500));
      expect(presenceOf(deviceId)).toEqual([
        ['connected', stale.gatewayId, undefined],
        ['connected', moved.gatewayId, undefined],
      ]);
      return;
    }
    throw new Error('the second connection never landed on the other worker');
  });

  it('restarts a worker killed with SIGKILL; its devices reconnect to the workers left and are served', async () => {
    const reconnecting = { reconnectPeriod: 300 };
    const first = await landOn('wk-kill-1', () => true, reconnecting);
    const victim = first.gatewayId;
    // Two devices on each worker.
    const devices = [
      { id: 'wk-kill-1', ...first },
      { id: 'wk-kill-2', ...(await landOn('wk-kill-2', (gatewayId) => gatewayId !== victim, reconnecting)) },
      { id: 'wk-kill-3', ...(await landOn('wk-kill-3', (gatewayId) => gatewayId === victim, reconnecting)) },
      { id: 'wk-kill-4', ...(await landOn('wk-kill-4', (gatewayId) => gatewayId !== victim, reconnecting)) },
    ];
    const before = (await cluster.health()).body.workers.find((w) => w.gatewayId === victim);
    expect(before?.pid).toBeTypeOf('number');
    // Landing on a worker may have taken tries: only what presence says from here on counts.
    const recordsBefore = new Map(devices.map(({ id }) => [id, presenceOf(id).length]));
    process.kill(before?.pid ?? 0, 'SIGKILL');

    const restarted = await waitFor(
      async () => {
        const { status, body } = await cluster.health();
        const worker = body.workers.find((w) => w.gatewayId === victim);
        return status === 200 && worker?.restarts === 1 && worker.pid !== before?.pid ? worker : null;
      },
      30_000,
      `${victim} to be restarted and healthy`,
    );
    expect(restarted).toMatchObject({ state: 'running', healthy: true });
    const metrics = await cluster.metrics();
    expect(metrics).toMatch(
      new RegExp(`^gateway_worker_restarts_total\\{[^}]*worker="${victim}"[^}]*\\} 1$`, 'm'),
    );

    for (const { id, gatewayId, device } of devices) {
      if (gatewayId !== victim) {
        // Devices of the other worker were not disturbed.
        expect(presenceOf(id).at(-1)).toEqual(['connected', gatewayId, undefined]);
        expect(presenceOf(id).slice(recordsBefore.get(id))).toEqual([]);
        continue;
      }
      const [, now] = await waitFor(
        () =>
          presenceOf(id)
            .slice(recordsBefore.get(id))
            .find(([status]) => status === 'connected'),
        30_000,
        `${id} to connect again`,
      );
      await waitFor(() => device.client.connected, 10_000, `${id} to be connected`);
      await commandSucceeds(id, String(now), device);
    }
  });

  it('drains every worker on SIGTERM and exits 0 once all have', async () => {
    const first = await landOn('wk-drain-1', () => true);
    const second = await landOn('wk-drain-2', (gatewayId) => gatewayId !== first.gatewayId);
    const closes = [first, second].map(({ device }) => {
      let error: Error | undefined;
      device.client.on('error', (e) => (error = e));
      return new Promise<Error | undefined>((resolve) => device.client.once('close', () => resolve(error)));
    });

    expect(await cluster.stop('SIGTERM')).toBe(0);
    expect(await Promise.all(closes)).toEqual([undefined, undefined]);
    for (const [id, { gatewayId }] of [
      ['wk-drain-1', first],
      ['wk-drain-2', second],
    ] as const) {
      await waitFor(() => presenceOf(id).at(-1)?.[0] === 'disconnected', 20_000, `presence of ${id}`);
      expect(presenceOf(id).at(-1)).toEqual(['disconnected', gatewayId, 'gateway-shutdown']);
    }
    const stopped = cluster.logs.filter((l) => l.msg === 'gateway stopped').map((l) => l.gatewayId);
    expect(stopped.sort()).toEqual(cluster.workerIds);
    expect(cluster.logs.at(-1)?.msg).toBe('gateway workers stopped');
  });
});

describe('gateway workers under one host-wide connection limit', () => {
  const ctx = useTestTopics({ partitions: 1 });
  let cluster: GatewayClusterProcess;

  beforeAll(async () => {
    cluster = await startGatewayClusterProcess({
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      GATEWAY_ID: 'gw-workers-cap',
      GATEWAY_MAX_CONNECTIONS: '2',
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('accepts GATEWAY_MAX_CONNECTIONS devices on the host, a share on each worker', async () => {
    const url = cluster.mqttUrl;
    let held = 0;
    for (let attempt = 0; attempt < 20 && held < 2; attempt++) {
      if (
        await connectDevice(url, `cap-${attempt}`).then(
          () => true,
          () => false,
        )
      )
        held++;
    }
    expect(held).toBe(2);
    const connections = async () => (await cluster.health()).body.workers.map((w) => w.report?.connections);
    await waitFor(
      async () => (await connections()).every((n) => n === 1),
      10_000,
      'one device on each worker',
    );
    // Every worker has used its share: whichever one a connection is dealt to refuses it.
    for (const id of ['cap-extra-1', 'cap-extra-2', 'cap-extra-3', 'cap-extra-4']) {
      const started = Date.now();
      // The socket is closed at accept (a reset when the CONNECT was already on its way)...
      await expect(connectDevice(url, id)).rejects.toThrow(/closed before CONNACK|ECONNRESET/);
      // ...at once, not dealt from one full worker to the next until the client gives up.
      expect(Date.now() - started).toBeLessThan(2000);
    }
    expect(await connections()).toEqual([1, 1]);
  });
});

describe('gateway workers that cannot start', () => {
  const ctx = useTestTopics({ partitions: 1 });

  it('fail the start of the primary, which exits 1 as a single gateway does', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      await expect(
        startGatewayClusterProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, MQTT_PORT: String(port) }),
      ).rejects.toThrow(/exited with 1 before listening/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
