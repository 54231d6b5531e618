import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { withCleanup, type Cleanup } from './cleanup.js';
import { startBenchGateway } from './gateway.js';
import { openKafkaScope } from './kafka-scope.js';
import { parseOpenFilesLimit } from './machine.js';
import { scrapeMetric } from './prometheus.js';
import { progress } from './progress.js';
import { processUsage } from './stats.js';
import { localKafkaBrokerPid, UsageMeter } from './usage.js';

export interface ConnectionsOptions {
  brokers: string[];
  devices: number;
  /** Devices one client process holds; with the gateway's, each process stays under its fd limit. */
  devicesPerProcess: number;
  /** Connects in progress at once in each client process. */
  concurrency: number;
  /** Each device subscribes to its own commands/#, as the simulator's devices do. */
  subscribe: boolean;
  settleSeconds: number;
}

interface WorkerMessage {
  type: string;
  connected?: number;
  failed?: number;
  firstError?: string;
  seconds?: number;
}

interface Worker {
  child: ChildProcessByStdio<Writable, Readable, null>;
  next(type: string, timeoutMs: number): Promise<WorkerMessage>;
}

const WORKER = fileURLToPath(new URL('./connections-worker.ts', import.meta.url));

/** How many client processes hold `devices` at no more than `perProcess` each, and how many each holds. */
export function splitDevices(devices: number, perProcess: number): number[] {
  const processes = Math.max(1, Math.ceil(devices / perProcess));
  return Array.from(
    { length: processes },
    (_, i) => Math.floor(devices / processes) + (i < devices % processes ? 1 : 0),
  );
}

function startWorker(env: Record<string, string>, cleanup: Cleanup): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  cleanup.add(`client process ${child.pid}`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin.end('close\n');
    await Promise.race([exited, sleep(10_000)]);
    child.kill('SIGKILL');
  });
  const inbox: WorkerMessage[] = [];
  const waiting: (() => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    inbox.push(JSON.parse(line) as WorkerMessage);
    waiting.splice(0).forEach((wake) => wake());
  });
  child.once('exit', () => waiting.splice(0).forEach((wake) => wake()));
  const next = async (type: string, timeoutMs: number): Promise<WorkerMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = inbox.findIndex((m) => m.type === type);
      if (index >= 0) return inbox.splice(index, 1)[0]!;
      if (child.exitCode !== null) throw new Error(`client process exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`client process sent no "${type}" in ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        setTimeout(resolve, 1_000).unref();
      });
    }
  };
  return { child, next };
}

/** Why this many devices: every device is one open socket in the gateway and one in a client process. */
export function fdPlan(devices: number, shares: number[], hardLimit: number | null): string {
  const room =
    hardLimit === null ? 'no limit' : `a hard limit of ${hardLimit}, leaving ${hardLimit - devices}`;
  return (
    `${devices} device sockets in one gateway process (${room} for its other files); ` +
    `clients in ${shares.length} process(es) of at most ${Math.max(...shares)} sockets each`
  );
}

const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * N idle devices connect to one gateway process (mqtt.js clients in child processes): the gateway's
 * resident memory per connection and the connect rate.
 */
export function runConnections(options: ConnectionsOptions): Promise<Record<string, unknown>> {
  return withCleanup(async (cleanup) => {
    const scope = await openKafkaScope(options.brokers, 'conn', cleanup);
    const gateway = await startBenchGateway(scope, options.brokers, cleanup, {
      GATEWAY_CONNECTS_PER_IP_PER_SECOND: '1000000',
      GATEWAY_MAX_CONNECTIONS: String(Math.max(50_000, options.devices)),
    });
    const shares = splitDevices(options.devices, options.devicesPerProcess);
    const workers = shares.map((count, i) =>
      startWorker(
        {
          BENCH_MQTT_URL: gateway.process.mqttUrl,
          BENCH_TAG: `idle${i}`,
          BENCH_COUNT: String(count),
          BENCH_CONCURRENCY: String(options.concurrency),
          BENCH_SUBSCRIBE: options.subscribe ? '1' : '0',
        },
        cleanup,
      ),
    );
    await Promise.all(workers.map((w) => w.next('ready', 60_000)));
    await sleep(options.settleSeconds * 1000);
    const limit = parseOpenFilesLimit(readFileSync(`/proc/${gateway.pid}/limits`, 'utf8'));
    const before = processUsage(gateway.pid).rssBytes;
    const openBefore = openFiles(gateway.pid);
    progress(`connections: ${options.devices} devices from ${workers.length} client processes`);
    const meter = new UsageMeter({
      gateway: gateway.pid,
      kafkaBroker: await localKafkaBrokerPid(),
      ...Object.fromEntries(workers.map((w, i) => [`clientProcess${i}`, w.child.pid])),
    }).start();
    const started = performance.now();
    workers.forEach((w) => w.child.stdin.write('connect\n'));
    const results = await Promise.all(workers.map((w) => w.next('connected', 300_000)));
    const connectSeconds = (performance.now() - started) / 1000;
    const duringConnect = meter.stop();
    const connected = results.reduce((sum, r) => sum + (r.connected ?? 0), 0);
    const failed = results.reduce((sum, r) => sum + (r.failed ?? 0), 0);
    progress(`connections: ${connected} connected in ${connectSeconds.toFixed(1)} s, ${failed} failed`);
    await sleep(options.settleSeconds * 1000);
    const after = processUsage(gateway.pid).rssBytes;
    const clientRss = workers.reduce((sum, w) => sum + processUsage(w.child.pid ?? 0).rssBytes, 0);
    return {
      scenario: 'connections',
      parameters: {
        devices: options.devices,
        clientProcesses: workers.length,
        devicesPerClientProcess: shares,
        connectConcurrencyPerProcess: options.concurrency,
        subscribeToCommands: options.subscribe,
        keepaliveSeconds: 60,
        settleSeconds: options.settleSeconds,
        fdPlan: fdPlan(options.devices, shares, limit.hard),
        gatewayOpenFilesLimit: limit,
      },
      connected,
      failed,
      firstError: results.find((r) => r.firstError)?.firstError,
      gatewayConnectionsMetric: await scrapeMetric(gateway.metricsUrl, 'gateway_connections'),
      gatewayOpenFiles: { before: openBefore, after: openFiles(gateway.pid) },
      connectSeconds: Math.round(connectSeconds * 100) / 100,
      connectsPerSecond: Math.round(connected / connectSeconds),
      gateway: {
        rssBeforeMiB: mib(before),
        rssAfterMiB: mib(after),
        rssPerConnectionKiB:
          connected > 0 ? Math.round(((after - before) / connected / 1024) * 10) / 10 : null,
      },
      cpuPercentWhileConnecting: duringConnect,
      clientProcesses: {
        rssMiB: mib(clientRss),
        rssPerConnectionKiB: connected > 0 ? Math.round((clientRss / connected / 1024) * 10) / 10 : null,
      },
    };
  });
}
