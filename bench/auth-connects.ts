import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { generateSecret, hashSecret, hashSecretWithScrypt } from '../common/registry/secrets.js';
import { RegistryWriter } from '../common/registry/registry-writer.js';
import { producerSink } from '../common/kafka/producer-sink.js';
import { withCleanup, type Cleanup } from './cleanup.js';
import { deviceIds, noDelay } from './devices.js';
import { startBenchGateway } from './gateway.js';
import { openKafkaScope, type KafkaScope } from './kafka-scope.js';
import { scrapeMetric } from './prometheus.js';
import { progress } from './progress.js';
import { UsageMeter } from './usage.js';

export interface AuthConnectsOptions {
  brokers: string[];
  /** Devices provisioned with the hub's hash (salted SHA-256), connected once per round and mode. */
  devices: number;
  /** Devices provisioned with the legacy scrypt hash, connected once to a fresh gateway. */
  legacyDevices: number;
  /** Connects in progress at once. */
  concurrency: number;
  /** Rounds of (none, registry), the order alternating, each on a fresh gateway. */
  rounds: number;
}

type Mode = 'registry' | 'none';

interface Fleet {
  ids: string[];
  secrets: Map<string, string>;
}

interface Measurement {
  connected: number;
  failed: number;
  firstError?: string;
  seconds: number;
  connectsPerSecond: number;
  gatewayCpuPercent?: number;
  /** Gateway CPU time per connect: steadier than the rate when other processes share the cores. */
  gatewayCpuMsPerConnect?: number;
  authFailures: number;
}

async function provision(
  scope: KafkaScope,
  tag: string,
  count: number,
  hash: (secret: string) => Promise<string>,
  cleanup: Cleanup,
): Promise<Fleet> {
  const producer = scope.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  cleanup.add('registry producer', () => producer.disconnect());
  const writer = new RegistryWriter(producerSink(producer), scope.topics.devices);
  const ids = deviceIds(tag, count);
  const secrets = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    await Promise.all(
      ids.slice(i, i + 100).map(async (deviceId) => {
        const secret = generateSecret();
        secrets.set(deviceId, secret);
        await writer.put({ deviceId, secretHash: await hash(secret), createdAt: Date.now(), attributes: {} });
      }),
    );
  }
  return { ids, secrets };
}

function connectOne(url: string, id: string, password: string, clients: MqttClient[]): Promise<void> {
  const client = noDelay(
    mqtt.connect(url, {
      clientId: id,
      username: id,
      password,
      reconnectPeriod: 0,
      keepalive: 60,
      connectTimeout: 60_000,
    }),
  );
  clients.push(client);
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}

/** Connects the whole fleet to a gateway started for this measurement, then stops it. */
function measure(
  scope: KafkaScope,
  options: AuthConnectsOptions,
  mode: Mode,
  fleet: Fleet,
  label: string,
): Promise<Measurement> {
  return withCleanup(async (cleanup) => {
    const gateway = await startBenchGateway(scope, options.brokers, cleanup, {
      DEVICE_AUTH: mode,
      GATEWAY_ID: `gw-${scope.prefix}-${label}`,
      GATEWAY_CONNECTS_PER_IP_PER_SECOND: '1000000',
      GATEWAY_MAX_CONNECTIONS: String(Math.max(50_000, fleet.ids.length)),
    });
    const clients: MqttClient[] = [];
    cleanup.add('bench clients', () => Promise.resolve(clients.forEach((c) => c.end(true))));
    let next = 0;
    let failed = 0;
    let firstError: string | undefined;
    const lane = async (): Promise<void> => {
      for (let i = next++; i < fleet.ids.length; i = next++) {
        const id = fleet.ids[i] ?? '';
        await connectOne(gateway.process.mqttUrl, id, fleet.secrets.get(id) ?? '', clients).catch(
          (error: unknown) => {
            failed++;
            firstError ??= String(error);
          },
        );
      }
    };
    const meter = new UsageMeter({ gateway: gateway.pid }).start();
    const started = performance.now();
    await Promise.all(Array.from({ length: options.concurrency }, lane));
    const seconds = (performance.now() - started) / 1000;
    const usage = meter.stop();
    const connected = fleet.ids.length - failed;
    const result: Measurement = {
      connected,
      failed,
      ...(firstError ? { firstError } : {}),
      seconds: Math.round(seconds * 1000) / 1000,
      connectsPerSecond: Math.round(connected / seconds),
      ...(usage.gateway
        ? {
            gatewayCpuPercent: usage.gateway.cpuPercent,
            gatewayCpuMsPerConnect: round2(
              (usage.gateway.cpuPercent * seconds * 10) / Math.max(1, connected),
            ),
          }
        : {}),
      // prom-client shows a labelled counter only once it has counted something.
      authFailures: (await scrapeMetric(gateway.metricsUrl, 'gateway_auth_failures_total')) || 0,
    };
    progress(`auth ${label}: ${connected} connected in ${seconds.toFixed(2)} s, ${failed} failed`);
    return result;
  });
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function overall(runs: Measurement[]): {
  connectsPerSecond: number;
  connected: number;
  failed: number;
  gatewayCpuMsPerConnect: number;
} {
  const connected = runs.reduce((sum, r) => sum + r.connected, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const cpuMs = runs.reduce((sum, r) => sum + (r.gatewayCpuMsPerConnect ?? Number.NaN) * r.connected, 0);
  return {
    connectsPerSecond: Math.round(connected / seconds),
    connected,
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
    gatewayCpuMsPerConnect: round2(cpuMs / connected),
  };
}

/**
 * Connect rate of a provisioned fleet on a fresh gateway with DEVICE_AUTH=registry against the same
 * fleet with DEVICE_AUTH=none, in one run: the cost of authentication. Clients send the same
 * credentials in both modes, so only the gateway's checking differs.
 */
export function runAuthConnects(options: AuthConnectsOptions): Promise<Record<string, unknown>> {
  return withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'auth', cleanup);
    const fleet = await provision(scope, 'auth', options.devices, hashSecret, cleanup);
    const legacyFleet = await provision(
      scope,
      'legacy',
      options.legacyDevices,
      (secret) => hashSecretWithScrypt(secret),
      cleanup,
    );
    progress(`auth: provisioned ${options.devices} devices (+${options.legacyDevices} with scrypt hashes)`);
    // Not counted: the first connects of this process run before its code is optimised.
    const warmup = await measure(
      scope,
      options,
      'none',
      { ...fleet, ids: fleet.ids.slice(0, 500) },
      'warmup',
    );
    const runs: Record<Mode, Measurement[]> = { registry: [], none: [] };
    const order: string[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const modes: Mode[] = round % 2 === 0 ? ['none', 'registry'] : ['registry', 'none'];
      for (const mode of modes) {
        order.push(mode);
        runs[mode].push(await measure(scope, options, mode, fleet, `${mode}-${round}`));
      }
    }
    const legacy = await measure(scope, options, 'registry', legacyFleet, 'legacy');
    const registry = overall(runs.registry);
    const none = overall(runs.none);
    const ratio = round2(registry.connectsPerSecond / none.connectsPerSecond);
    return {
      scenario: 'auth',
      parameters: {
        devices: options.devices,
        legacyDevices: options.legacyDevices,
        concurrency: options.concurrency,
        rounds: options.rounds,
        order,
        warmup: 'up to 500 devices, DEVICE_AUTH=none, before the measured runs and not counted',
        clients: 'mqtt.js in the bench process, username = client id, password = secret, in both modes',
        registryHash: 'sha256 (what the hub writes)',
      },
      registry: { ...registry, runs: runs.registry },
      none: { ...none, runs: runs.none },
      ratio,
      target: { ratio: 0.8, met: ratio >= 0.8 },
      cpuPerConnectRatio: round2(registry.gatewayCpuMsPerConnect / none.gatewayCpuMsPerConnect),
      legacyScrypt: legacy,
      warmup,
    };
  });
}
