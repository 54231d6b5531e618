import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet } from '../../../device-sim/index.js';
import { provisioningCredentials } from '../../../device-sim/runtime/provisioning.js';
import { writeCommand } from '../../helpers/commands.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { hubClient } from '../../helpers/hub-api.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { freePort } from '../../helpers/ports.js';
import { waitFor } from '../../helpers/wait.js';

describe('the simulator against a real gateway and Kafka', () => {
  const ctx = useTestTopics();
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };
  const gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    collected = await collectTopics(ctx.kafka, [ctx.topics.telemetry, ctx.topics.commandStatus]);
  });
  afterAll(async () => {
    await collected?.stop();
    await Promise.all(gateways.map((g) => g.stop('SIGKILL')));
  });

  const telemetryOf = (prefix: string) =>
    collected.records.filter((r) => r.topic === ctx.topics.telemetry && r.key.startsWith(prefix));

  it('50 devices produce the expected records, and a command sent through Kafka is answered', async () => {
    const gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-sim' });
    gateways.push(gateway);
    const fleet = await startFleet({
      url: gateway.mqttUrl,
      devices: 50,
      ratePerSec: 4,
      faults: 0,
      prefix: 'fifty-',
      seed: 7,
      qos: 1,
      rampPerSec: 500,
    });
    await fleet.waitForConnected(50, 20_000);
    const producer = ctx.kafka.producer();
    await producer.connect();
    const command = await writeCommand(producer, ctx.topics.commands, {
      deviceId: 'fifty-0001',
      name: 'calibrate',
    });
    await producer.disconnect();
    await new Promise((r) => setTimeout(r, 3000));
    const summary = await fleet.stop();

    expect(summary.errors).toBe(0);
    expect(summary.inFlight).toBe(0);
    expect(summary.sent).toBeGreaterThan(50 * 4 * 2);
    await waitFor(() => telemetryOf('fifty-').length >= summary.sent, 20_000, 'every reading in Kafka');
    expect(telemetryOf('fifty-')).toHaveLength(summary.sent);
    expect(new Set(telemetryOf('fifty-').map((r) => r.key)).size).toBe(50);

    const statuses = collected.records.filter(
      (r) => r.topic === ctx.topics.commandStatus && r.value.id === command.id,
    );
    expect(statuses.map((s) => s.value.status)).toEqual(['sent', 'delivered', 'succeeded']);
    expect(summary.commands).toBe(1);
  });

  it('reconnects after the gateway is killed and restarted, losing no QoS 1 reading', async () => {
    const port = await freePort();
    const env = { KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-sim-restart', MQTT_PORT: String(port) };
    let gateway = await startGatewayProcess(env);
    gateways.push(gateway);
    const fleet = await startFleet({
      url: gateway.mqttUrl,
      devices: 20,
      ratePerSec: 10,
      faults: 0,
      prefix: 'restart-',
      qos: 1,
      reconnect: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.2 },
      drainMs: 15_000,
    });
    await fleet.waitForConnected(20, 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    await gateway.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, 1000));
    gateway = await startGatewayProcess(env);
    gateways.push(gateway);
    await fleet.waitForConnected(20, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    const summary = await fleet.stop();

    expect(summary.reconnects).toBeGreaterThanOrEqual(20);
    expect(summary.inFlight).toBe(0);
    // Readings acknowledged before the kill were in Kafka; those in flight were resent after the
    // reconnect, so every reading sent is there at least once (a resent one may be there twice).
    await waitFor(
      () =>
        new Set(telemetryOf('restart-').map((r) => `${r.key}/${String(r.value.seq)}`)).size >= summary.sent,
      20_000,
    );
    const unique = new Set(telemetryOf('restart-').map((r) => `${r.key}/${String(r.value.seq)}`));
    expect(unique.size).toBe(summary.sent);
  });
});

describe('the simulator provisioning its devices through the hub', () => {
  const ctx = useTestTopics();
  let hub: HubProcess;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    hub = await startHubProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, HUB_OPERATOR_TOKEN: 'sim-test-token' });
    gateway = await startGatewayProcess({
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      DEVICE_AUTH: 'registry',
      GATEWAY_ID: 'gw-sim-auth',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await hub?.stop();
  });

  it('creates devices with secrets, connects with them, and reuses saved secrets on the next run', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-creds-')), 'credentials.json');
    const options = {
      url: gateway.mqttUrl,
      devices: 10,
      ratePerSec: 2,
      faults: 0,
      prefix: 'prov-',
      qos: 1 as const,
    };
    for (let run = 0; run < 2; run++) {
      const credentials = await provisioningCredentials({ hubUrl: hub.url, operatorToken: hub.token, file });
      const fleet = await startFleet({ ...options, credentials });
      await fleet.waitForConnected(10, 30_000);
      const summary = await fleet.stop();
      expect(summary.errors).toBe(0);
    }
    const listed = await hubClient(hub).listDevices();
    expect(listed.map((d) => d.id).filter((id) => id.startsWith('prov-'))).toHaveLength(10);
  });
});
