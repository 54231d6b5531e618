import { randomBytes } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMAS, buildHeaders } from '../../../contracts/index.js';
import { ensureTopics } from '../../../common/kafka/topics.js';
import { writeCommand } from '../../helpers/commands.js';
import { commandDevice } from '../../helpers/devices.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { callHub, waitForCommandStatus } from '../../helpers/hub-api.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { useTestDatabase } from '../../helpers/influx.js';
import { collectTopics, useTestTopics } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { registryWriter } from '../../helpers/registry.js';
import { waitFor } from '../../helpers/wait.js';
import { pointTimes } from '../maintenance/helpers.js';

/** The sum of every sample of `name` whose labels include `labels`, from Prometheus text. */
function metricSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const found = new Map<string, string>();
    for (const m of (match[2] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g))
      found.set(m[1] ?? '', m[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) sum += Number(match[3]);
  }
  return sum;
}

async function metricsOf(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  return response.text();
}

async function healthOf(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

type ConsumerStates = Record<string, { state: string; restarts: number }>;
const consumersIn = (body: Record<string, unknown>): ConsumerStates =>
  (body.kafka as { consumers: ConsumerStates }).consumers;

const deepJson = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

describe('hub and gateway reading hostile Kafka records', () => {
  const ctx = useTestTopics({ partitions: 2 });
  const db = useTestDatabase();
  const token = `op-${randomBytes(24).toString('base64url')}`;
  const secrets = new Map<string, string>();
  let registry: Awaited<ReturnType<typeof registryWriter>>;
  let producer: Producer;
  let gateway: GatewayProcess;
  let gatewayUrl: string;
  let hub: HubProcess;

  beforeAll(async () => {
    registry = await registryWriter(ctx.kafka, ctx.topics.devices);
    producer = registry.producer;
    secrets.set('hz-cmd', await registry.provision('hz-cmd'));
    [gateway, hub] = await Promise.all([
      startGatewayProcess({
        KAFKA_TOPIC_PREFIX: ctx.prefix,
        GATEWAY_ID: 'gw-hostile',
        DEVICE_AUTH: 'registry',
      }),
      startHubProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, HUB_OPERATOR_TOKEN: token, INFLUX_URL: db.url }),
    ]);
    gatewayUrl = `http://127.0.0.1:${gateway.ports.http}`;
  });
  afterAll(async () => {
    await Promise.all([hub?.stop(), gateway?.stop()]);
    await producer?.disconnect();
  });

  const creds = (id: string) => ({ username: id, password: secrets.get(id) ?? '' });

  it('refuses deep and huge command params, and still delivers and tracks the next command', async () => {
    const device = await commandDevice(gateway.mqttUrl, 'hz-cmd', 'succeeded', creds('hz-cmd'));
    const headers = buildHeaders({ deviceId: 'hz-cmd', schema: SCHEMAS.commands });
    const command = (id: string, params: string) =>
      `{"id":"${id}","deviceId":"hz-cmd","name":"reboot","params":${params},` +
      `"issuedAt":${Date.now()},"expiresAt":${Date.now() + 60_000},"issuedBy":"test"}`;
    // One send each: together they would pass Kafka's 1 MB limit for one partition's batch.
    for (const value of [
      command('deep-1', `{"a":${deepJson(20_000)}}`),
      command('huge-1', JSON.stringify({ blob: 'x'.repeat(900_000) })),
    ])
      await producer.send({
        topic: ctx.topics.commands,
        acks: -1,
        messages: [{ key: 'hz-cmd', value, headers }],
      });
    const good = await writeCommand(producer, ctx.topics.commands, { deviceId: 'hz-cmd', name: 'reboot' });

    const done = await waitForCommandStatus(hub, good.id, 'succeeded');
    expect(done.history.map((h) => h.status)).toEqual(['sent', 'delivered', 'succeeded']);
    expect(device.received.map((r) => r.id)).toEqual([good.id]);
    for (const [url, name] of [
      [hub.url, 'hub_kafka_records_skipped_total'],
      [gatewayUrl, 'gateway_kafka_records_skipped_total'],
    ] as const) {
      const text = await metricsOf(url);
      expect(metricSum(text, name, { topic: ctx.topics.commands, reason: 'invalid_payload' })).toBe(2);
      expect(metricSum(text, name, { reason: 'handler_error' })).toBe(0);
    }
    expect((await callHub(hub, 'GET', '/api/commands/deep-1')).status).toBe(404);
  });

  it('skips malformed registry records and still serves the device provisioned after them', async () => {
    const headers = buildHeaders({ deviceId: 'hz-bad', schema: SCHEMAS.devices });
    const leakedHash = `sha256$SENTINELSALT$SENTINELHASH`;
    // No record without a key: Kafka refuses one on a compacted topic (the unit tests count them).
    await producer.send({
      topic: ctx.topics.devices,
      acks: -1,
      messages: [
        { key: 'hz-bad', value: `{"deviceId":"hz-bad","secretHash":"${leakedHash}"`, headers },
        { key: 'hz-deep', value: `{"deviceId":"hz-deep","attributes":${deepJson(20_000)}}`, headers },
        { key: 'hz-v2', value: '{}', headers: { ...headers, schema: 'device/2' } },
      ],
    });
    secrets.set('hz-good', await registry.provision('hz-good'));

    await waitFor(
      async () => (await callHub(hub, 'GET', '/api/devices/hz-good')).status === 200,
      20_000,
      'the hub to serve hz-good',
    );
    await waitFor(
      () =>
        connectDevice(gateway.mqttUrl, 'hz-good', creds('hz-good')).then(
          () => true,
          () => false,
        ),
      20_000,
      'the gateway to accept hz-good',
    );
    expect((await callHub(hub, 'GET', '/api/devices/hz-bad')).status).toBe(404);
    for (const [url, name] of [
      [hub.url, 'hub_kafka_records_skipped_total'],
      [gatewayUrl, 'gateway_kafka_records_skipped_total'],
    ] as const) {
      const text = await metricsOf(url);
      const skipped = (reason: string) => metricSum(text, name, { topic: ctx.topics.devices, reason });
      expect([skipped('invalid_json'), skipped('invalid_payload'), skipped('schema_mismatch')]).toEqual([
        1, 1, 1,
      ]);
    }
    // The unreadable record quoted its hash; no log line may repeat it.
    expect(JSON.stringify(hub.logs)).not.toContain('SENTINEL');
    expect(JSON.stringify(gateway.logs)).not.toContain('SENTINEL');
  });

  it('dead-letters garbage on telemetry and still writes the next reading to InfluxDB', async () => {
    const headers = buildHeaders({ deviceId: 'hz-pump', schema: SCHEMAS.telemetry, gatewayId: 'test-gw' });
    const hostile: { value: string | Buffer | null; headers: Record<string, string> }[] = [
      { value: 'not json at all', headers },
      // Base64 of this alone is over Kafka's 1 MB record limit: the dead letter must truncate it.
      { value: Buffer.alloc(900_000, 0x7b), headers },
      { value: '{"deviceId":"hz-pump"}', headers: { ...headers, schema: 'telemetry/7' } },
      { value: null, headers },
    ];
    for (const message of hostile)
      await producer.send({
        topic: ctx.topics.telemetry,
        acks: -1,
        messages: [{ key: 'hz-pump', ...message }],
      });
    const ts = Date.now() - 60_000;
    await producer.send({
      topic: ctx.topics.telemetry,
      acks: -1,
      messages: [
        {
          key: 'hz-pump',
          value: JSON.stringify({
            deviceId: 'hz-pump',
            ts,
            receivedAt: Date.now(),
            seq: 1,
            metrics: { temperature_c: 41.5 },
          }),
          headers,
        },
      ],
    });

    await waitFor(
      async () => (await pointTimes(db.influx, 'telemetry', 'hz-pump')).includes(ts),
      30_000,
      'the good reading in InfluxDB',
    );
    const letters = await collectTopics(ctx.kafka, [ctx.topics.deadLetter]);
    try {
      const ours = await waitFor(
        () => {
          const found = letters.records.filter((r) => r.value.source === 'hub/maintenance');
          return found.length >= 4 ? found : undefined;
        },
        20_000,
        'four dead letters from maintenance',
      );
      expect(ours.map((r) => r.key)).toEqual(['hz-pump', 'hz-pump', 'hz-pump', 'hz-pump']);
      expect(
        ours.some((r) => String(r.value.reason).endsWith('(payload truncated to 262144 of 900000 bytes)')),
      ).toBe(true);
    } finally {
      await letters.stop();
    }
    const text = await metricsOf(hub.url);
    expect(metricSum(text, 'maintenance_records_total', { outcome: 'dead_letter' })).toBe(4);
    expect(metricSum(text, 'maintenance_publish_dropped_total', {})).toBe(0);
    // The fleet view reads telemetry too, and counts what it passed over.
    expect(metricSum(text, 'hub_kafka_records_skipped_total', { topic: ctx.topics.telemetry })).toBe(4);
  });

  it('stays up and healthy through all of it', async () => {
    expect(hub.child.exitCode).toBeNull();
    expect(gateway.child.exitCode).toBeNull();
    for (const url of [hub.url, gatewayUrl]) {
      const health = await healthOf(url);
      expect(health.status).toBe(200);
      for (const consumer of Object.values(consumersIn(health.body)))
        expect(consumer).toMatchObject({ state: 'running', restarts: 0 });
    }
    expect(Object.keys(consumersIn((await healthOf(hub.url)).body)).sort()).toEqual([
      'commands',
      'fleet-state',
      'fleet-telemetry',
      'maintenance',
      'registry',
    ]);
    expect(Object.keys(consumersIn((await healthOf(gatewayUrl)).body)).sort()).toEqual([
      'commands',
      'presence',
      'registry',
    ]);
  });

  // A real kafkajs crash: a topic deleted under a running consumer fails its fetches until kafkajs
  // gives up, and the consumer cannot rejoin until the topic is back.
  it(
    'turns /healthz red when the command consumers crash and green once they are back',
    { timeout: 150_000 },
    async () => {
      await ctx.admin.deleteTopics({ topics: [ctx.topics.commandStatus] });
      for (const url of [hub.url, gatewayUrl]) {
        const red = await waitFor(
          async () => {
            const health = await healthOf(url);
            return health.status === 503 && consumersIn(health.body).commands?.state === 'restarting'
              ? health
              : undefined;
          },
          90_000,
          `${url} to report its command consumer down`,
        );
        expect(consumersIn(red.body).registry?.state).toBe('running');
      }
      await ensureTopics(ctx.admin, { prefix: ctx.prefix, partitions: 2, replicationFactor: 1 });
      for (const url of [hub.url, gatewayUrl]) {
        const green = await waitFor(
          async () => {
            const health = await healthOf(url);
            return health.status === 200 ? health : undefined;
          },
          60_000,
          `${url} to report its command consumer back`,
        );
        expect(consumersIn(green.body).commands).toMatchObject({ state: 'running', restarts: 1 });
        const text = await metricsOf(url);
        const prefix = url === hub.url ? 'hub' : 'gateway';
        expect(metricSum(text, `${prefix}_kafka_consumer_restarts_total`, { consumer: 'commands' })).toBe(1);
      }
      // Commands flow again through the rebuilt consumers.
      const good = await writeCommand(producer, ctx.topics.commands, {
        deviceId: 'hz-cmd',
        name: 'calibrate',
      });
      const device = await commandDevice(gateway.mqttUrl, 'hz-cmd', 'succeeded', creds('hz-cmd'));
      await waitForCommandStatus(hub, good.id, 'succeeded');
      expect(device.received.map((r) => r.id)).toContain(good.id);
    },
  );
});
