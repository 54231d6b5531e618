import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes, type Client } from 'aedes';
import { connect, type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandResultPayloadSchema,
  commandTopic,
  decodeJson,
  eventPayloadSchema,
  parseDeviceTopic,
  readingSchema,
  type CommandResultPayload,
} from '../../../contracts/index.js';
import { startFleet, type FleetHandle, type FleetOptions } from '../../../device-sim/fleet-runner.js';

// A bare in-process aedes broker: enough to exercise the simulator's MQTT side without the gateway.
interface TestBroker {
  url: string;
  /** Drops the connections of these clients, as a network blip would. */
  dropClients: (ids: readonly string[]) => void;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startBroker(): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const clients = new Set<Client>();
  broker.on('client', (client) => clients.add(client));
  broker.on('clientDisconnect', (client) => clients.delete(client));
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dropClients: (ids) => {
      for (const client of clients) if (ids.includes(client.id)) client.close();
    },
  };
}

async function fleetOn(url: string, options: Partial<FleetOptions> = {}): Promise<FleetHandle> {
  const fleet = await startFleet({
    url,
    devices: 4,
    ratePerSec: 20,
    rampPerSec: 1000,
    reconnect: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0.2 },
    drainMs: 1000,
    ...options,
  });
  cleanups.push(async () => void (await fleet.stop()));
  return fleet;
}

async function operator(
  url: string,
): Promise<{ client: MqttClient; messages: { topic: string; payload: Buffer }[] }> {
  const client = connect(url, {
    clientId: `operator-${Math.random().toString(36).slice(2)}`,
    reconnectPeriod: 0,
  });
  cleanups.push(() => client.endAsync(true));
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  const messages: { topic: string; payload: Buffer }[] = [];
  client.on('message', (topic, payload) => messages.push({ topic, payload }));
  await client.subscribeAsync('devices/#', { qos: 1 });
  return { client, messages };
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function results(messages: { topic: string; payload: Buffer }[]): CommandResultPayload[] {
  return messages
    .filter((m) => parseDeviceTopic(m.topic)?.kind === 'command-results')
    .map((m) => {
      const decoded = decodeJson(commandResultPayloadSchema, m.payload);
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.value;
    });
}

describe('startFleet against an MQTT broker', () => {
  it('publishes valid telemetry at QoS 1 and counts every acknowledgement', async () => {
    const { url } = await startBroker();
    const { messages } = await operator(url);
    const fleet = await fleetOn(url, { speed: 60, startMs: Date.UTC(2025, 0, 1) });
    await fleet.waitForConnected(4, 5000);
    await until(() => fleet.stats().sent >= 40);
    const summary = await fleet.stop();

    expect(summary).toMatchObject({
      devices: 4,
      connectedOnce: 4,
      connected: 0,
      errors: 0,
      qos: 1,
      inFlight: 0,
    });
    expect(summary.acknowledged).toBe(summary.sent + summary.events + summary.results);
    expect(summary.ackLatencyMs.count).toBe(summary.acknowledged);
    expect(summary.ackLatencyMs.max).toBeGreaterThanOrEqual(summary.ackLatencyMs.p50);

    const telemetry = (): typeof messages =>
      messages.filter((m) => parseDeviceTopic(m.topic)?.kind === 'telemetry');
    await until(() => telemetry().length >= summary.sent);
    expect(telemetry().length).toBe(summary.sent);
    const seqs = new Map<string, number[]>();
    for (const m of telemetry()) {
      const decoded = decodeJson(readingSchema, m.payload);
      if (!decoded.ok) throw new Error(decoded.reason);
      const id = parseDeviceTopic(m.topic)?.deviceId ?? '';
      seqs.set(id, [...(seqs.get(id) ?? []), decoded.value.seq ?? -1]);
      // Simulated time: 60x from 2025-01-01, so a run of seconds stays within the first hours.
      expect(decoded.value.ts).toBeGreaterThanOrEqual(Date.UTC(2025, 0, 1));
      expect(decoded.value.ts).toBeLessThan(Date.UTC(2025, 0, 1, 6));
    }
    expect([...seqs.keys()].sort()).toEqual(fleet.specs.map((s) => s.deviceId));
    for (const list of seqs.values()) expect(list).toEqual(list.map((_, i) => i));
  });

  it('publishes telemetry at QoS 0 without waiting for acknowledgements', async () => {
    const { url } = await startBroker();
    const fleet = await fleetOn(url, { qos: 0 });
    await until(() => fleet.stats().sent >= 20);
    const summary = await fleet.stop();
    expect(summary).toMatchObject({ qos: 0, acknowledged: 0, errors: 0, inFlight: 0 });
    expect(summary.ackLatencyMs.count).toBe(0);
  });

  it('answers commands once each, and comes back after a reboot', async () => {
    const { url } = await startBroker();
    const { client, messages } = await operator(url);
    const fleet = await fleetOn(url, { devices: 2 });
    await fleet.waitForConnected(2, 5000);
    const id = fleet.specs[0]?.deviceId ?? '';
    const send = async (name: string, commandId: string, params: object, expiresAt = Date.now() + 60_000) =>
      client.publishAsync(commandTopic(id, name), JSON.stringify({ id: commandId, params, expiresAt }), {
        qos: 1,
      });

    await send('set-load', 'c1', { load: 0.5 });
    await send('set-load', 'c1', { load: 0.5 });
    await send('set-sample-rate', 'c2', { hz: 2 });
    await send('calibrate', 'c3', {});
    await send('warp-drive', 'c4', {});
    await send('set-load', 'c5', { load: 0.5 }, Date.now() - 1000);
    await send('reboot', 'c6', { delayMs: 100 });
    await until(() => results(messages).length >= 6 && fleet.stats().reconnects >= 1);
    await fleet.waitForConnected(2, 5000);

    const byId = new Map(results(messages).map((r) => [r.id, r]));
    expect(results(messages)).toHaveLength(6);
    expect(byId.get('c1')).toMatchObject({ status: 'succeeded', data: { load: 0.5 } });
    expect(byId.get('c2')).toMatchObject({ status: 'succeeded', data: { intervalMs: 500 } });
    expect(byId.get('c3')?.status).toBe('succeeded');
    expect(byId.get('c4')?.status).toBe('rejected');
    expect(byId.get('c5')?.detail).toMatch(/^expired/);
    expect(byId.get('c6')?.status).toBe('succeeded');

    const summary = await fleet.stop();
    expect(summary).toMatchObject({ commands: 6, duplicateCommands: 1, errors: 0 });
    expect(summary.commandResults).toEqual({ succeeded: 4, failed: 0, rejected: 2 });
  });

  it('reports failures at the ground-truth time when simulated time runs fast', async () => {
    const { url } = await startBroker();
    const { messages } = await operator(url);
    const startMs = Date.UTC(2025, 0, 1);
    // 200 000x: one wall second is 55 simulated hours; the failure windows of 6-48 h fit.
    const fleet = await fleetOn(url, {
      devices: 6,
      faults: 1,
      speed: 200_000,
      startMs,
      horizonMs: 40 * 3_600_000,
    });
    const lastFailure = Math.max(...fleet.specs.map((s) => s.fault?.failureMs ?? 0));
    await until(
      () => fleet.clock.simAt(Date.now()) > lastFailure + 3_600_000 && fleet.stats().failures === 6,
      10_000,
    );
    const summary = await fleet.stop();
    expect(summary.failures).toBe(6);

    const failures = messages
      .filter((m) => parseDeviceTopic(m.topic)?.kind === 'events')
      .map((m) => ({
        id: parseDeviceTopic(m.topic)?.deviceId,
        event: decodeJson(eventPayloadSchema, m.payload),
      }));
    expect(failures).toHaveLength(6);
    for (const { id, event } of failures) {
      if (!event.ok) throw new Error(event.reason);
      const spec = fleet.specs.find((s) => s.deviceId === id);
      expect(event.value).toMatchObject({
        type: 'failure',
        severity: 'critical',
        ts: spec?.fault?.failureMs,
      });
    }
  });

  it('reconnects with backoff when the broker drops its connections, losing no QoS 1 reading', async () => {
    const { url, dropClients } = await startBroker();
    const { messages } = await operator(url);
    const fleet = await fleetOn(url, { devices: 3, ratePerSec: 100 });
    await fleet.waitForConnected(3, 5000);
    await until(() => fleet.stats().sent >= 30);
    dropClients(fleet.specs.map((s) => s.deviceId));
    await until(() => fleet.stats().reconnects >= 3 && fleet.stats().connected === 3);
    await until(() => fleet.stats().sent >= 150);
    const summary = await fleet.stop();
    expect(summary.reconnects).toBeGreaterThanOrEqual(3);
    expect(summary.inFlight).toBe(0);
    expect(summary.acknowledged).toBe(summary.sent + summary.events + summary.results);

    // Every seq a device used reached the broker, at least once.
    await until(
      () => new Set(messages.map((m) => `${m.topic} ${m.payload.toString()}`)).size >= summary.sent,
    );
    for (const spec of fleet.specs) {
      const seqs = new Set(
        messages
          .filter(
            (m) =>
              parseDeviceTopic(m.topic)?.kind === 'telemetry' &&
              parseDeviceTopic(m.topic)?.deviceId === spec.deviceId,
          )
          .map((m) => (JSON.parse(m.payload.toString()) as { seq: number }).seq),
      );
      expect(seqs.size).toBe(Math.max(...seqs) + 1);
    }
  });

  it('counts connection errors and still stops promptly when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const notices: string[] = [];
    const fleet = await fleetOn(`mqtt://127.0.0.1:${port}`, { devices: 3, onNotice: (m) => notices.push(m) });
    await until(() => fleet.stats().errors >= 6);
    const started = Date.now();
    const summary = await fleet.stop();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(summary).toMatchObject({ connectedOnce: 0, sent: 0 });
    expect(summary.errorsByKind['connection.ECONNREFUSED']).toBe(summary.errors);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('ECONNREFUSED');
  });

  it('refuses invalid options with a readable reason', async () => {
    await expect(startFleet({ url: 'mqtt://127.0.0.1:1', devices: 0 })).rejects.toThrow(
      /invalid fleet options: devices/,
    );
  });
});
