import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Producer } from 'kafkajs';
import WebSocket from 'ws';
import { SCHEMAS, buildHeaders, MAX_WATCHED_DEVICES } from '../contracts/index.js';
import { startHubProcess } from '../test/helpers/hub-process.js';
import { withCleanup, type Cleanup } from './cleanup.js';
import { openKafkaScope, type KafkaScope } from './kafka-scope.js';
import { scrapeMetrics } from './prometheus.js';
import { progress } from './progress.js';

export interface ConsoleBenchOptions {
  brokers: string[];
  /** Devices sending one reading a second each, straight to Kafka as a gateway would. */
  devices: number;
  /** Console WebSocket clients; every tenth one stops reading, to load the backpressure path. */
  clients: number;
  seconds: number;
}

export interface ConsoleBenchResult {
  scenario: 'console';
  devices: number;
  clients: number;
  seconds: number;
  hubRssMiB: { start: number; max: number; end: number };
  /** Messages the clients that kept reading received. */
  messagesReceived: number;
  /** Messages the hub dropped plus items it coalesced away, for the clients that stopped reading. */
  dropped: number;
  slowClients: number;
  watchedPerClient: number;
  readingsWritten: number;
}

const WATCHED_PER_CLIENT = Math.min(10, MAX_WATCHED_DEVICES);
const TICK_MS = 100;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

const deviceId = (i: number): string => `bench-con-${String(i).padStart(5, '0')}`;

async function send(producer: Producer, topic: string, schema: string, records: { deviceId: string }[]) {
  await producer.send({
    topic,
    acks: 1,
    messages: records.map((r) => ({
      key: r.deviceId,
      value: JSON.stringify(r),
      headers: buildHeaders({ deviceId: r.deviceId, schema, gatewayId: 'bench-gw' }),
    })),
  });
}

interface BenchClient {
  ws: WebSocket;
  slow: boolean;
  received: number;
}

/** Opens a console that watches `watch`; a slow one stops reading its socket once it is watching. */
async function openClient(url: string, token: string, watch: string[], slow: boolean): Promise<BenchClient> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const client: BenchClient = { ws, slow, received: 0 };
  let socket: Socket | undefined;
  ws.on('upgrade', (response) => (socket = response.socket));
  const watching = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      client.received++;
      if (data.toString('utf8', 0, 24).startsWith('{"type":"watching"')) resolve();
    });
    ws.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'watch', deviceIds: watch }));
  await watching;
  if (slow) socket?.pause();
  return client;
}

async function startLoad(scope: KafkaScope, devices: number, cleanup: Cleanup) {
  const producer = scope.kafka.producer();
  await producer.connect();
  cleanup.add('telemetry producer', () => producer.disconnect());
  const now = Date.now();
  const all = Array.from({ length: devices }, (_, i) => deviceId(i));
  for (let i = 0; i < all.length; i += 500)
    await send(
      producer,
      scope.topics.presence,
      SCHEMAS.presence,
      all
        .slice(i, i + 500)
        .map((id) => ({ deviceId: id, status: 'connected', gatewayId: 'bench-gw', at: now })),
    );

  // One reading a second per device, spread over ten ticks a second.
  let written = 0;
  let next = 0;
  let running = true;
  const perTick = Math.max(1, Math.round((devices * TICK_MS) / 1000));
  const loop = (async () => {
    for (let seq = 0; running; seq++) {
      const started = Date.now();
      const batch = Array.from({ length: perTick }, () => {
        const id = all[next++ % all.length] ?? deviceId(0);
        return {
          deviceId: id,
          ts: started,
          receivedAt: started,
          seq,
          metrics: {
            temperature_c: 40 + Math.random(),
            vibration_rms_mm_s: 1 + Math.random(),
            current_a: 20,
          },
        };
      });
      await send(producer, scope.topics.telemetry, SCHEMAS.telemetry, batch);
      written += batch.length;
      await sleep(Math.max(0, TICK_MS - (Date.now() - started)));
    }
  })();
  return {
    written: () => written,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/**
 * Console scale: a hub process with `clients` consoles watching a `devices`-strong fleet that
 * sends a reading a second per device. The hub's RSS is sampled every second: it should level
 * off, however long the run, because every per-connection buffer is bounded.
 */
export function runConsoleBench(options: ConsoleBenchOptions): Promise<ConsoleBenchResult> {
  return withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'console', cleanup);
    const token = randomBytes(24).toString('base64url');
    const hub = await startHubProcess({
      KAFKA_TOPIC_PREFIX: scope.prefix,
      KAFKA_BROKERS: options.brokers.join(','),
      HUB_OPERATOR_TOKEN: token,
    });
    cleanup.add('hub', () => hub.stop());
    const pid = hub.child.pid;
    if (pid === undefined) throw new Error('the hub process has no pid');

    const load = await startLoad(scope, options.devices, cleanup);
    cleanup.add('telemetry load', () => load.stop());
    const url = `${hub.url.replace(/^http/, 'ws')}/ws`;
    const clients: BenchClient[] = [];
    cleanup.add('console clients', () => {
      for (const c of clients) c.ws.terminate();
      return Promise.resolve();
    });
    for (let i = 0; i < options.clients; i++) {
      const watch = Array.from({ length: Math.min(WATCHED_PER_CLIENT, options.devices) }, (_, k) =>
        deviceId((i * WATCHED_PER_CLIENT + k) % options.devices),
      );
      clients.push(await openClient(url, token, watch, i % 10 === 9));
    }
    progress(
      `console: ${clients.length} consoles open on a fleet of ${options.devices}; measuring ${options.seconds} s`,
    );

    const samples = [rssMiB(pid)];
    const fastBefore = clients.filter((c) => !c.slow).reduce((n, c) => n + c.received, 0);
    for (let s = 0; s < options.seconds; s++) {
      await sleep(1000);
      samples.push(rssMiB(pid));
    }
    const messagesReceived = clients.filter((c) => !c.slow).reduce((n, c) => n + c.received, 0) - fastBefore;
    const metrics = await scrapeMetrics(`${hub.url}/metrics`, [
      'hub_console_messages_dropped_total',
      'hub_console_coalesced_total',
    ]);
    const count = (n: number): number => (Number.isNaN(n) ? 0 : n);
    return {
      scenario: 'console',
      devices: options.devices,
      clients: options.clients,
      seconds: options.seconds,
      hubRssMiB: {
        start: samples[0] ?? Number.NaN,
        max: Math.max(...samples),
        end: samples.at(-1) ?? Number.NaN,
      },
      messagesReceived,
      dropped: count(metrics.hub_console_messages_dropped_total) + count(metrics.hub_console_coalesced_total),
      slowClients: clients.filter((c) => c.slow).length,
      watchedPerClient: WATCHED_PER_CLIENT,
      readingsWritten: load.written(),
    };
  });
}
