import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice, messagesOn, subscribeReturnCodes } from '../../helpers/mqtt.js';
import { execFileAsync } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

describe('gateway topic rules', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };

  beforeAll(async () => {
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-rules' });
    collected = await collectTopics(ctx.kafka, [ctx.topics.telemetry, ctx.topics.deadLetter]);
  });
  afterAll(async () => {
    await collected?.stop();
    await gateway?.stop();
  });

  it('refuses subscriptions to another device or outside the device API with SUBACK 0x80', async () => {
    const device = await connectDevice(gateway.mqttUrl, 'dev-a');
    const topics = [
      'devices/dev-a/commands/#',
      'devices/dev-a/errors',
      'devices/dev-b/commands/#',
      'devices/+/commands/#',
      '#',
      'devices/dev-a/telemetry',
      '$SYS/#',
    ];
    expect(await subscribeReturnCodes(device, topics)).toEqual([1, 1, 128, 128, 128, 128, 128]);
  });

  it("refuses mosquitto_sub on another device's commands", async () => {
    // -E: subscribe, wait for the SUBACK, exit; with -d it prints the granted QoS.
    const { stdout } = await execFileAsync('mosquitto_sub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(gateway.ports.mqtt),
      '-i',
      'dev-c',
      '-t',
      'devices/dev-b/commands/#',
      '-q',
      '1',
      '-E',
      '-d',
    ]);
    expect(stdout).toMatch(/Subscribed \(mid: \d+\): 128/);
  });

  it("does not forward a publish into another device's topics, and dead-letters it", async () => {
    const victim = await connectDevice(gateway.mqttUrl, 'dev-b');
    await victim.subscribeAsync('devices/dev-b/commands/#', { qos: 1 });
    const received = messagesOn(victim, 'devices/dev-b/commands/reboot');
    const attacker = await connectDevice(gateway.mqttUrl, 'dev-a2');
    await attacker.publishAsync(
      'devices/dev-b/commands/reboot',
      JSON.stringify({ id: 'x', params: {}, expiresAt: Date.now() + 60_000 }),
      { qos: 1 },
    );
    await attacker.publishAsync('devices/dev-b/telemetry', JSON.stringify({ metrics: { t: 1 } }), { qos: 1 });
    await execFileAsync('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(gateway.ports.mqtt),
      '-i',
      'dev-d',
      '-q',
      '1',
      '-t',
      'devices/dev-b/commands/reboot',
      '-m',
      '{}',
    ]);
    const dead = await waitFor(() => {
      const d = collected.records.filter(
        (r) => r.topic === ctx.topics.deadLetter && ['dev-a2', 'dev-d'].includes(r.key),
      );
      return d.length >= 3 ? d : null;
    });
    expect(dead.every((r) => String(r.value.reason).startsWith('topic_not_allowed'))).toBe(true);
    expect(
      collected.records.filter((r) => r.topic === ctx.topics.telemetry && r.key === 'dev-b'),
    ).toHaveLength(0);
    // Give a wrongly forwarded message time to arrive before asserting that none did.
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toHaveLength(0);
    expect(attacker.connected).toBe(true);
  });

  it('refuses client ids that are not device ids', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        String(gateway.ports.mqtt),
        '-i',
        'bad/id',
        '-t',
        'x',
        '-m',
        'y',
      ]);
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/identifier rejected/i);
  });

  it('accepts devices over MQTT on WebSocket with the same rules', async () => {
    const device = await connectDevice(`ws://127.0.0.1:${gateway.ports.mqttWs}`, 'ws-device');
    await device.publishAsync('devices/ws-device/telemetry', JSON.stringify({ metrics: { t: 20 } }), {
      qos: 1,
    });
    expect(
      await subscribeReturnCodes(device, ['devices/pump-1/commands/#', 'devices/ws-device/errors']),
    ).toEqual([128, 1]);
    await waitFor(() =>
      collected.records.some((r) => r.topic === ctx.topics.telemetry && r.key === 'ws-device'),
    );
  });
});
