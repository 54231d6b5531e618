import { spawn } from 'node:child_process';
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { waitFor } from '../../helpers/wait.js';

/** An MQTT 3.1.1 CONNECT with the given keepalive, written by hand so nothing sends PINGREQ afterwards. */
function rawConnect(port: number, clientId: string, keepaliveSeconds: number): Promise<Socket> {
  const id = Buffer.from(clientId);
  const variable = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, 0x02, 0, keepaliveSeconds]);
  const payload = Buffer.concat([Buffer.from([0, id.length]), id]);
  const packet = Buffer.concat([Buffer.from([0x10, variable.length + payload.length]), variable, payload]);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => socket.write(packet));
    let received = Buffer.alloc(0);
    const onData = (data: Buffer): void => {
      received = Buffer.concat([received, data]);
      if (received.length < 4) return;
      socket.off('data', onData);
      if (received[0] === 0x20 && received[3] === 0) resolve(socket);
      else reject(new Error(`refused: ${received.toString('hex')}`));
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  });
}

describe('gateway presence', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };

  beforeAll(async () => {
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-presence' });
    collected = await collectTopics(ctx.kafka, [ctx.topics.presence]);
  });
  afterAll(async () => {
    await collected?.stop();
    await gateway?.stop();
  });

  const presenceOf = (deviceId: string) =>
    collected.records
      .filter((r) => r.key === deviceId)
      .map((r) => ({ status: r.value.status, reason: r.value.reason }));

  it('records connect and clean disconnect', async () => {
    const device = await connectDevice(gateway.mqttUrl, 'presence-clean');
    await waitFor(() => presenceOf('presence-clean').length === 1);
    await device.endAsync();
    const records = await waitFor(() =>
      presenceOf('presence-clean').length === 2 ? presenceOf('presence-clean') : null,
    );
    expect(records).toEqual([
      { status: 'connected', reason: undefined },
      { status: 'disconnected', reason: 'clean' },
    ]);
    const last = collected.records.filter((r) => r.key === 'presence-clean').at(-1);
    expect(last?.value).toMatchObject({ deviceId: 'presence-clean', gatewayId: 'gw-presence' });
    expect(last?.headers.schema).toBe('presence/1');
  });

  it('records a client killed abruptly as connection-lost', async () => {
    const child = spawn('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(gateway.ports.mqtt),
      '-i',
      'presence-killed',
      '-t',
      'devices/presence-killed/errors',
    ]);
    await waitFor(() => presenceOf('presence-killed').length === 1);
    child.kill('SIGKILL');
    const records = await waitFor(() =>
      presenceOf('presence-killed').length === 2 ? presenceOf('presence-killed') : null,
    );
    expect(records[1]).toEqual({ status: 'disconnected', reason: 'connection-lost' });
  });

  it('records a silent client as keepalive-timeout', async () => {
    const socket = await rawConnect(gateway.ports.mqtt, 'presence-silent', 1);
    await waitFor(() => presenceOf('presence-silent').length === 1);
    // MQTT-3.1.2-24: the server disconnects after 1.5 times the keepalive without a packet.
    const records = await waitFor(
      () => (presenceOf('presence-silent').length === 2 ? presenceOf('presence-silent') : null),
      10_000,
    );
    expect(records[1]).toEqual({ status: 'disconnected', reason: 'keepalive-timeout' });
    socket.destroy();
  });

  it('does not let a replaced session announce a disconnect after the new connect', async () => {
    const first = await connectDevice(gateway.mqttUrl, 'presence-twice');
    await waitFor(() => presenceOf('presence-twice').length === 1);
    const second = await connectDevice(gateway.mqttUrl, 'presence-twice');
    await waitFor(() => presenceOf('presence-twice').length >= 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(presenceOf('presence-twice').at(-1)?.status).toBe('connected');
    expect(second.connected).toBe(true);
    expect(first.connected).toBe(false);
  });

  it('keeps a stale connection on one gateway from announcing a disconnect after the device moved', async () => {
    const other = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-presence-2' });
    try {
      // The first connection goes silent, as when a device's network drops without a FIN.
      const stale = await rawConnect(gateway.ports.mqtt, 'presence-moved', 2);
      await waitFor(() => presenceOf('presence-moved').length === 1);
      await connectDevice(other.mqttUrl, 'presence-moved');
      await waitFor(() => presenceOf('presence-moved').length === 2);
      // The first gateway notices the silence after 1.5 keepalives (3 s); give it time to (not) speak.
      await new Promise((r) => setTimeout(r, 4500));
      const records = collected.records
        .filter((r) => r.key === 'presence-moved')
        .map((r) => [r.value.status, r.value.gatewayId]);
      expect(records).toEqual([
        ['connected', 'gw-presence'],
        ['connected', 'gw-presence-2'],
      ]);
      stale.destroy();
    } finally {
      await other.stop();
    }
  });
});
