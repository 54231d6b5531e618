// A child process of the connections scenario holding idle mqtt.js devices, so that no process
// needs more than its share of the per-process file-descriptor limit. Talks JSON lines on stdout;
// reads "connect" and "close" lines on stdin, and exits when stdin ends.
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import mqtt, { type MqttClient } from 'mqtt';
import { commandsWildcard } from '../contracts/index.js';
import { deviceIds, noDelay } from './devices.js';

const url = process.env.BENCH_MQTT_URL ?? '';
const tag = process.env.BENCH_TAG ?? 'idle';
const count = Number(process.env.BENCH_COUNT ?? 0);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 100);
const subscribe = process.env.BENCH_SUBSCRIBE === '1';
const clients: MqttClient[] = [];

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function connectOne(id: string): Promise<void> {
  const client = noDelay(
    mqtt.connect(url, {
      clientId: id,
      reconnectPeriod: 0,
      keepalive: 60,
      connectTimeout: 60_000,
    }),
  );
  clients.push(client);
  client.on('error', () => undefined); // counted below while connecting; ignored once idle
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
  if (subscribe) await client.subscribeAsync(commandsWildcard(id), { qos: 1 });
}

async function connectAll(): Promise<void> {
  const ids = deviceIds(tag, count);
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (let i = next++; i < ids.length; i = next++) {
      await connectOne(ids[i] ?? '').catch((error: unknown) => {
        failed++;
        firstError ??= String(error);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  send({
    type: 'connected',
    connected: count - failed,
    failed,
    firstError,
    seconds: (performance.now() - started) / 1000,
  });
}

function closeAll(): void {
  for (const client of clients) client.end(true);
  process.exit(0);
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line === 'connect') void connectAll();
    if (line === 'close') closeAll();
  })
  .on('close', closeAll);
send({ type: 'ready', pid: process.pid });
