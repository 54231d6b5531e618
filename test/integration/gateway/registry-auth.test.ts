import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tcpConnect } from 'node:net';
import mqtt from 'mqtt';
import { generate } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { useTestTopics } from '../../helpers/kafka.js';
import { connectDevice, subscribeReturnCodes } from '../../helpers/mqtt.js';
import { execFileAsync } from '../../helpers/processes.js';
import { registryWriter } from '../../helpers/registry.js';
import { generateSecret, hashSecretWithScrypt } from '../../../common/registry/secrets.js';
import { RegistryWriter } from '../../../common/registry/registry-writer.js';
import { producerSink } from '../../../common/kafka/producer-sink.js';
import { waitFor } from '../../helpers/wait.js';

/** The CONNACK return code an mqtt.js connection attempt gets (0 = accepted). */
function connackCode(url: string, options: mqtt.IClientOptions): Promise<number> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
    client.once('connect', () => {
      client.end(true);
      resolve(0);
    });
    client.once('error', (error: Error & { code?: number }) => {
      client.end(true);
      resolve(typeof error.code === 'number' ? error.code : -1);
    });
    client.once('close', () => {
      client.end(true);
      resolve(-1);
    });
  });
}

function mosquittoPub(port: number, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(port), '-q', '1', ...args]);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('gateway with DEVICE_AUTH=registry', () => {
  const ctx = useTestTopics();
  const certDir = mkdtempSync(join(tmpdir(), 'gw-tls-'));
  const secrets = new Map<string, string>();
  let registry: Awaited<ReturnType<typeof registryWriter>>;
  let gateway: GatewayProcess;
  let second: GatewayProcess;

  beforeAll(async () => {
    registry = await registryWriter(ctx.kafka, ctx.topics.devices);
    for (const id of ['auth-a', 'auth-b', 'auth-gone', 'auth-rotated', 'auth-x'])
      secrets.set(id, await registry.provision(id));
    // A record written before the hub switched to SHA-256.
    const legacySecret = generateSecret();
    await new RegistryWriter(producerSink(registry.producer), ctx.topics.devices).put({
      deviceId: 'auth-legacy',
      secretHash: await hashSecretWithScrypt(legacySecret),
      createdAt: Date.now(),
      attributes: {},
    });
    secrets.set('auth-legacy', legacySecret);
    await execFileAsync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ]);
    const env = {
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      DEVICE_AUTH: 'registry',
      MQTT_TLS_PORT: '0',
      MQTT_WSS_PORT: '0',
      MQTT_TLS_CERT_FILE: join(certDir, 'cert.pem'),
      MQTT_TLS_KEY_FILE: join(certDir, 'key.pem'),
      GATEWAY_MAX_PACKET_BYTES: '4096',
      GATEWAY_MAX_PAYLOAD_BYTES: '2048',
    };
    [gateway, second] = await Promise.all([
      startGatewayProcess({ ...env, GATEWAY_ID: 'gw-auth-1' }),
      startGatewayProcess({ ...env, GATEWAY_ID: 'gw-auth-2' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([gateway?.stop(), second?.stop()]);
    await registry?.producer.disconnect();
  });

  const creds = (id: string) => ({ clientId: id, username: id, password: secrets.get(id) ?? '' });

  it('accepts the right secret and refuses everything else with the MQTT 3.1.1 codes', async () => {
    const url = gateway.mqttUrl;
    expect(await connackCode(url, creds('auth-a'))).toBe(0);
    expect(await connackCode(url, { ...creds('auth-a'), password: 'wrong' })).toBe(4);
    expect(await connackCode(url, { clientId: 'auth-nobody', username: 'auth-nobody', password: 'x' })).toBe(
      4,
    );
    expect(
      await connackCode(url, { ...creds('auth-a'), username: 'auth-b', password: secrets.get('auth-b') }),
    ).toBe(5);
    expect(await connackCode(url, { clientId: 'auth-a' })).toBe(5);
  });

  it('works the same for mosquitto_pub', async () => {
    const port = gateway.ports.mqtt ?? 0;
    const ok = await mosquittoPub(port, [
      '-i',
      'auth-b',
      '-u',
      'auth-b',
      '-P',
      secrets.get('auth-b') ?? '',
      '-t',
      'devices/auth-b/telemetry',
      '-m',
      '{"metrics":{"t":1}}',
    ]);
    expect(ok.code).toBe(0);
    const wrong = await mosquittoPub(port, [
      '-i',
      'auth-b',
      '-u',
      'auth-b',
      '-P',
      'nope',
      '-t',
      'devices/auth-b/telemetry',
      '-m',
      '{}',
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/bad user name or password/i);
    const other = await mosquittoPub(port, [
      '-i',
      'auth-b',
      '-u',
      'auth-a',
      '-P',
      secrets.get('auth-a') ?? '',
      '-t',
      'devices/auth-b/telemetry',
      '-m',
      '{}',
    ]);
    expect(other.stderr).toMatch(/not authori[sz]ed/i);
  });

  it('lets the holder in at once after mosquitto_pub floods its id with wrong and missing passwords', async () => {
    const port = gateway.ports.mqtt ?? 0;
    const attempt = (args: string[]) =>
      mosquittoPub(port, ['-i', 'auth-x', ...args, '-t', 'devices/auth-x/telemetry', '-m', '{}']);
    for (let i = 0; i < 20; i++) {
      const wrong = await attempt(['-u', 'auth-x', '-P', `wrong-${i}`]);
      expect(wrong.stderr).toMatch(/bad user name or password/i);
    }
    const burst = await Promise.all(
      Array.from({ length: 100 }, (_, i) => attempt(i % 2 === 0 ? ['-u', 'auth-x'] : [])),
    );
    for (const refused of burst) expect(refused.code).not.toBe(0);
    expect(await connackCode(gateway.mqttUrl, creds('auth-x'))).toBe(0);
    const holder = await attempt(['-u', 'auth-x', '-P', secrets.get('auth-x') ?? '']);
    expect(holder.code).toBe(0);
  });

  it('still accepts a device whose registry record holds a legacy scrypt hash', async () => {
    expect(await connackCode(gateway.mqttUrl, creds('auth-legacy'))).toBe(0);
    expect(await connackCode(gateway.mqttUrl, { ...creds('auth-legacy'), password: 'wrong' })).toBe(4);
    expect(await connackCode(second.mqttUrl, creds('auth-legacy'))).toBe(0);
  });

  it("keeps an authenticated device out of another device's topics", async () => {
    const a = await connectDevice(gateway.mqttUrl, 'auth-a', {
      username: 'auth-a',
      password: secrets.get('auth-a'),
    });
    expect(await subscribeReturnCodes(a, ['devices/auth-b/commands/#', 'devices/auth-a/commands/#'])).toEqual(
      [128, 1],
    );
    await a.publishAsync('devices/auth-b/telemetry', JSON.stringify({ metrics: { t: 1 } }), { qos: 1 });
    expect(a.connected).toBe(true);
  });

  it('disconnects a deleted device on every gateway and refuses it afterwards', async () => {
    const options = { username: 'auth-gone', password: secrets.get('auth-gone') };
    const onFirst = await connectDevice(gateway.mqttUrl, 'auth-gone', options);
    const onSecond = await connectDevice(second.mqttUrl, 'auth-gone', options);
    const started = Date.now();
    await registry.remove('auth-gone');
    await waitFor(() => !onFirst.connected && !onSecond.connected, 10_000, 'both connections closed');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await connackCode(gateway.mqttUrl, creds('auth-gone'))).toBe(4);
    expect(await connackCode(second.mqttUrl, creds('auth-gone'))).toBe(4);
  });

  it('disconnects a device whose secret was rotated; the new secret works', async () => {
    const old = secrets.get('auth-rotated');
    const device = await connectDevice(second.mqttUrl, 'auth-rotated', {
      username: 'auth-rotated',
      password: old,
    });
    secrets.set('auth-rotated', await registry.provision('auth-rotated'));
    await waitFor(() => !device.connected, 10_000, 'the old session closed');
    expect(await connackCode(second.mqttUrl, { ...creds('auth-rotated'), password: old })).toBe(4);
    await waitFor(
      async () => (await connackCode(second.mqttUrl, creds('auth-rotated'))) === 0,
      10_000,
      'the new secret accepted',
    );
  });

  it('rebuilds the registry from Kafka after a restart', async () => {
    expect(await gateway.stop()).toBe(0);
    gateway = await startGatewayProcess({
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      DEVICE_AUTH: 'registry',
      GATEWAY_ID: 'gw-auth-1',
    });
    expect(await connackCode(gateway.mqttUrl, creds('auth-a'))).toBe(0);
    expect(await connackCode(gateway.mqttUrl, creds('auth-gone'))).toBe(4);
    const health = (await (await fetch(`http://127.0.0.1:${gateway.ports.http}/healthz`)).json()) as {
      registry: { loaded: boolean; devices: number };
    };
    expect(health.registry).toEqual({ loaded: true, devices: 5 });
  });

  it('serves MQTT over TLS, and a plain connection to the TLS port fails', async () => {
    const ca = join(certDir, 'cert.pem');
    const { readFileSync } = await import('node:fs');
    const code = await connackCode(`mqtts://127.0.0.1:${second.ports.mqtts}`, {
      ...creds('auth-a'),
      ca: readFileSync(ca),
    });
    expect(code).toBe(0);
    const plain = await connackCode(`mqtt://127.0.0.1:${second.ports.mqtts}`, {
      ...creds('auth-a'),
      connectTimeout: 2000,
    });
    expect(plain).not.toBe(0);
    const ws = await connackCode(`wss://127.0.0.1:${second.ports.mqttWss}`, {
      ...creds('auth-a'),
      ca: readFileSync(ca),
    });
    expect(ws).toBe(0);
    const viaMosquitto = await mosquittoPub(second.ports.mqtts ?? 0, [
      '--cafile',
      ca,
      '-i',
      'auth-a',
      '-u',
      'auth-a',
      '-P',
      secrets.get('auth-a') ?? '',
      '-t',
      'devices/auth-a/telemetry',
      '-m',
      '{"metrics":{"t":2}}',
    ]);
    expect(viaMosquitto.code).toBe(0);
  });

  it('closes a connection that announces an oversized packet, before reading it', async () => {
    const counted = async (): Promise<number> => {
      const text = await (await fetch(`http://127.0.0.1:${second.ports.http}/metrics`)).text();
      return Number(/gateway_rejections_total\{reason="packet_too_large",[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const before = await counted();
    const socket = tcpConnect(second.ports.mqtt ?? 0, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    // A CONNECT (the first packet must be one), then a PUBLISH header announcing 1 MiB; the limit in
    // this test is 4 KiB. Both in one write: the guard cuts the connection before aedes reads either.
    const connect = generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: 'oversized-1',
      clean: true,
      keepalive: 30,
    });
    socket.write(Buffer.concat([connect, Buffer.from([0x30, 0x80, 0x80, 0x40])]));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(await counted()).toBe(before + 1);
  });

  it('never writes a secret into its logs', () => {
    const logs = JSON.stringify([...gateway.logs, ...second.logs]);
    for (const secret of secrets.values()) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/scrypt\$|sha256\$/);
  });
});
