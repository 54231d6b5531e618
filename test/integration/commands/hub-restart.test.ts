import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDevice } from '../../helpers/devices.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { getCommand, issueCommand, provisionDevice, waitForCommandStatus } from '../../helpers/hub-api.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestTopics } from '../../helpers/kafka.js';

describe('commands survive a hub restart', () => {
  const ctx = useTestTopics({ partitions: 2 });
  const env = {
    KAFKA_TOPIC_PREFIX: ctx.prefix,
    HUB_OPERATOR_TOKEN: `op-${randomBytes(24).toString('base64url')}`,
  };
  let gateway: GatewayProcess;
  let hub: HubProcess;

  beforeAll(async () => {
    [gateway, hub] = await Promise.all([
      startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-restart' }),
      startHubProcess(env),
    ]);
    for (const id of ['restart-1', 'restart-2']) await provisionDevice(hub, id);
  });
  afterAll(async () => {
    await Promise.all([hub?.stop(), gateway?.stop()]);
  });

  it('keeps statuses through a crash, completes a command in flight and expires a pending one', async () => {
    const silent = await commandDevice(gateway.mqttUrl, 'restart-1', null);
    const inFlight = await issueCommand(hub, { deviceId: 'restart-1', name: 'reboot', ttlMs: 60_000 });
    await waitForCommandStatus(hub, inFlight.id, 'delivered');
    // restart-2 stays offline: only the restarted hub can expire this one.
    const pending = await issueCommand(hub, { deviceId: 'restart-2', name: 'reboot', ttlMs: 12_000 });

    expect(await hub.stop('SIGKILL')).toBe(null);
    hub = await startHubProcess(env);

    const survived = await getCommand(hub, inFlight.id);
    expect(survived?.status).toBe('delivered');
    expect(survived?.history.map((h) => h.status)).toEqual(['queued', 'sent', 'delivered']);
    expect((await getCommand(hub, pending.id))?.command.expiresAt).toBe(pending.expiresAt);

    await silent.client.publishAsync(
      'devices/restart-1/command-results',
      JSON.stringify({ id: inFlight.id, status: 'succeeded', detail: 'done after the hub restarted' }),
      { qos: 1 },
    );
    const done = await waitForCommandStatus(hub, inFlight.id, 'succeeded');
    expect(done.history.at(-1)).toMatchObject({ detail: 'done after the hub restarted' });

    const expired = await waitForCommandStatus(hub, pending.id, 'expired', 40_000);
    expect(expired.history.map((h) => h.status)).toEqual(['queued', 'expired']);
    expect(expired.history[1]?.at).toBeGreaterThanOrEqual(pending.expiresAt);
  });
});
