import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCommand } from '../../helpers/commands.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { waitFor } from '../../helpers/wait.js';

describe('gateway downlink: commands from Kafka to devices', () => {
  const ctx = useTestTopics();
  let first: GatewayProcess;
  let second: GatewayProcess;
  let producer: Producer;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-down-1' }),
      startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-down-2' }),
    ]);
    producer = ctx.kafka.producer();
    await producer.connect();
    collected = await collectTopics(ctx.kafka, [ctx.topics.commandStatus, ctx.topics.deadLetter]);
  });
  afterAll(async () => {
    await collected?.stop();
    await producer?.disconnect();
    await Promise.all([first?.stop(), second?.stop()]);
  });

  const statuses = (id: string) =>
    collected.records
      .filter((r) => r.topic === ctx.topics.commandStatus && r.value.id === id)
      .map((r) => r.value);

  /** A device that answers every command with `succeeded` and remembers what it received. */
  async function answeringDevice(url: string, deviceId: string) {
    const device = await connectDevice(url, deviceId);
    const received: { topic: string; id: string }[] = [];
    device.on('message', (topic, payload) => {
      const { id } = JSON.parse(payload.toString()) as { id: string };
      received.push({ topic, id });
      void device.publishAsync(
        `devices/${deviceId}/command-results`,
        JSON.stringify({ id, status: 'succeeded', detail: 'done' }),
        { qos: 1 },
      );
    });
    await device.subscribeAsync(`devices/${deviceId}/commands/#`, { qos: 1 });
    return { device, received };
  }

  it('delivers a command to the connected device and records sent, delivered, succeeded', async () => {
    const { received } = await answeringDevice(first.mqttUrl, 'down-1');
    const command = await writeCommand(producer, ctx.topics.commands, {
      deviceId: 'down-1',
      name: 'reboot',
      params: { delayMs: 5 },
    });
    await waitFor(() => statuses(command.id).some((s) => s.status === 'succeeded'));
    expect(received).toEqual([{ topic: 'devices/down-1/commands/reboot', id: command.id }]);
    expect(statuses(command.id).map((s) => s.status)).toEqual(['sent', 'delivered', 'succeeded']);
    expect(statuses(command.id)[0]).toMatchObject({ gatewayId: 'gw-down-1', deviceId: 'down-1' });
  });

  it('delivers a command issued while the device was offline once it connects, on the other gateway, exactly once', async () => {
    const command = await writeCommand(producer, ctx.topics.commands, {
      deviceId: 'down-2',
      name: 'calibrate',
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(statuses(command.id)).toEqual([]);
    const { received } = await answeringDevice(second.mqttUrl, 'down-2');
    await waitFor(() => statuses(command.id).some((s) => s.status === 'succeeded'));
    await new Promise((r) => setTimeout(r, 500));
    expect(received).toHaveLength(1);
    expect(statuses(command.id).filter((s) => s.status === 'sent')).toEqual([
      expect.objectContaining({ gatewayId: 'gw-down-2' }),
    ]);
  });

  it('never delivers an expired command', async () => {
    const command = await writeCommand(producer, ctx.topics.commands, {
      deviceId: 'down-3',
      name: 'reboot',
      ttlMs: 500,
    });
    await new Promise((r) => setTimeout(r, 1000));
    const { received } = await answeringDevice(first.mqttUrl, 'down-3');
    await new Promise((r) => setTimeout(r, 1000));
    expect(received).toEqual([]);
    expect(statuses(command.id).filter((s) => s.status === 'sent')).toEqual([]);
  });

  it('dead-letters a result for a command it does not know', async () => {
    const device = await connectDevice(first.mqttUrl, 'down-4');
    await device.publishAsync(
      'devices/down-4/command-results',
      JSON.stringify({ id: 'no-such-command', status: 'succeeded' }),
      { qos: 1 },
    );
    const dead = await waitFor(() =>
      collected.records.find((r) => r.topic === ctx.topics.deadLetter && r.key === 'down-4'),
    );
    expect(dead.value.reason).toMatch(/^unknown_command/);
  });

  it('re-sends an unfinished command when the device reconnects to another gateway', async () => {
    const silent = await connectDevice(first.mqttUrl, 'down-5');
    await silent.subscribeAsync('devices/down-5/commands/#', { qos: 1 });
    const command = await writeCommand(producer, ctx.topics.commands, { deviceId: 'down-5', name: 'reboot' });
    await waitFor(() => statuses(command.id).some((s) => s.status === 'delivered'));
    await silent.endAsync(true);
    const { received } = await answeringDevice(second.mqttUrl, 'down-5');
    await waitFor(() => statuses(command.id).some((s) => s.status === 'succeeded'));
    expect(received.map((r) => r.id)).toEqual([command.id]);
    expect(statuses(command.id).map((s) => [s.status, s.gatewayId])).toEqual([
      ['sent', 'gw-down-1'],
      ['delivered', 'gw-down-1'],
      ['sent', 'gw-down-2'],
      ['delivered', 'gw-down-2'],
      ['succeeded', 'gw-down-2'],
    ]);
  });

  it('a gateway started after a command was issued still delivers it (history read at start)', async () => {
    const command = await writeCommand(producer, ctx.topics.commands, {
      deviceId: 'down-6',
      name: 'calibrate',
    });
    const late = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-down-late' });
    try {
      const { received } = await answeringDevice(late.mqttUrl, 'down-6');
      await waitFor(() => statuses(command.id).some((s) => s.status === 'succeeded'));
      expect(received.map((r) => r.id)).toEqual([command.id]);
    } finally {
      await late.stop();
    }
  });
});
