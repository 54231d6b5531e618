import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDevice } from '../../helpers/devices.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { issueCommand, provisionDevice, waitForCommandStatus } from '../../helpers/hub-api.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestTopics } from '../../helpers/kafka.js';

describe('commands across several gateways', () => {
  const ctx = useTestTopics({ partitions: 2 });
  let first: GatewayProcess;
  let second: GatewayProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    [first, second, hub] = await Promise.all([
      startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-multi-1' }),
      startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-multi-2' }),
      startHubProcess({
        KAFKA_TOPIC_PREFIX: ctx.prefix,
        HUB_OPERATOR_TOKEN: `op-${randomBytes(24).toString('base64url')}`,
      }),
    ]);
    for (const id of ['multi-1', 'multi-2']) await provisionDevice(hub, id);
  });
  afterAll(async () => {
    await Promise.all([hub?.stop(), first?.stop('SIGKILL'), second?.stop()]);
  });

  it('delivers exactly once, through the gateway that holds the device', async () => {
    const device = await commandDevice(second.mqttUrl, 'multi-1');
    const { id } = await issueCommand(hub, { deviceId: 'multi-1', name: 'reboot' });
    const done = await waitForCommandStatus(hub, id, 'succeeded');
    expect(done.history.map((h) => [h.status, h.gatewayId])).toEqual([
      ['queued', undefined],
      ['sent', 'gw-multi-2'],
      ['delivered', 'gw-multi-2'],
      ['succeeded', 'gw-multi-2'],
    ]);
    // A second command arriving after the first shows no late duplicate of the first is on its way.
    const next = await issueCommand(hub, { deviceId: 'multi-1', name: 'calibrate' });
    await waitForCommandStatus(hub, next.id, 'succeeded');
    expect(device.received.map((r) => r.id)).toEqual([id, next.id]);
  });

  it('re-sends through another gateway when the one that sent the command is killed before the result', async () => {
    await commandDevice(first.mqttUrl, 'multi-2', null);
    const { id } = await issueCommand(hub, { deviceId: 'multi-2', name: 'reboot', ttlMs: 60_000 });
    await waitForCommandStatus(hub, id, 'delivered');
    await first.stop('SIGKILL');

    const device = await commandDevice(second.mqttUrl, 'multi-2');
    const done = await waitForCommandStatus(hub, id, 'succeeded');
    expect(device.received.map((r) => r.id)).toEqual([id]);
    expect(done.history.map((h) => [h.status, h.gatewayId])).toEqual([
      ['queued', undefined],
      ['sent', 'gw-multi-1'],
      ['delivered', 'gw-multi-1'],
      ['sent', 'gw-multi-2'],
      ['delivered', 'gw-multi-2'],
      ['succeeded', 'gw-multi-2'],
    ]);
  });
});
