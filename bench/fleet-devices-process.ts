// A load-generator process of the connections scenario: a share of the fleet as idle MQTT devices,
// each a plain socket bound to this process's own loopback source address, so that no process nor
// address pair runs out of files or ephemeral ports. A device that loses its connection reconnects
// after a jittered, growing delay, as device firmware does. JSON lines on stdout; reads commands
// ("connect", "storm <epoch ms> <timeout ms>", "close") on stdin and exits when stdin ends.
import { connect as netConnect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { generate } from 'mqtt-packet';
import { commandsWildcard } from '../contracts/index.js';
import {
  FLEET_CONNECT_TIMEOUT_MS,
  FLEET_KEEPALIVE_SECONDS,
  FleetPacketReader,
  fleetSecret,
  reconnectDelayMs,
} from './fleet-protocol.js';

const host = process.env.BENCH_MQTT_HOST ?? '127.0.0.1';
const port = Number(process.env.BENCH_MQTT_PORT);
const sourceAddress = process.env.BENCH_SOURCE_ADDRESS ?? '127.0.0.1';
const tag = process.env.BENCH_TAG ?? 'fleet';
const first = Number(process.env.BENCH_FIRST ?? 0);
const count = Number(process.env.BENCH_COUNT ?? 0);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 100);
const secretSeed = process.env.BENCH_SECRET_SEED ?? '';

interface Device {
  id: string;
  connect: Buffer;
  subscribe: Buffer;
  socket?: Socket;
  /** CONNACK 0 and SUBACK received on the current socket. */
  ready: boolean;
  readyAt: number;
  droppedAt: number;
  lastSentAt: number;
  /** Failed attempts since the device was last ready: its next delay grows with them. */
  attempts: number;
  onReady?: (error?: Error) => void;
}

const counters = {
  attempts: 0,
  socketErrors: 0,
  refusedConnacks: 0,
  failedSubacks: 0,
  closedBeforeReady: 0,
  connectTimeouts: 0,
};
const errorSamples = new Map<string, number>();
let firstError: string | undefined;
let stopping = false;
// A device refused while the fleet first connects (a worker that used its share) tries again, as
// it would in the field, this often before it counts as failed.
const CONNECT_ATTEMPTS = 20;
const PINGREQ = Buffer.from([0xc0, 0x00]);

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function noteError(kind: string): void {
  errorSamples.set(kind, (errorSamples.get(kind) ?? 0) + 1);
  firstError ??= kind;
}

function makeDevice(index: number): Device {
  const id = `${tag}-${first + index}`;
  return {
    id,
    connect: generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: id,
      clean: true,
      keepalive: FLEET_KEEPALIVE_SECONDS,
      username: id,
      password: Buffer.from(fleetSecret(secretSeed, id)),
    }),
    subscribe: generate({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [{ topic: commandsWildcard(id), qos: 1 }],
    }),
    ready: false,
    readyAt: 0,
    droppedAt: 0,
    lastSentAt: 0,
    attempts: 0,
  };
}

function open(device: Device): void {
  counters.attempts++;
  const socket = netConnect({ host, port, localAddress: sourceAddress, noDelay: true });
  device.socket = socket;
  device.ready = false;
  const reader = new FleetPacketReader();
  // As mqtt.js does: a connection that is not answered in time is given up and tried again.
  const timeout = setTimeout(() => {
    counters.connectTimeouts++;
    noteError('connect timeout');
    socket.destroy();
  }, FLEET_CONNECT_TIMEOUT_MS);
  socket.on('connect', () => {
    socket.write(device.connect);
    device.lastSentAt = Date.now();
  });
  socket.on('data', (chunk: Buffer) => {
    for (const packet of reader.read(chunk)) {
      if (packet.type === 'connack') {
        if (packet.code !== 0) {
          counters.refusedConnacks++;
          noteError(`connack ${packet.code}`);
          socket.destroy();
          return;
        }
        socket.write(device.subscribe);
      } else if (packet.type === 'suback') {
        if (packet.failed) {
          counters.failedSubacks++;
          noteError('suback failure');
          socket.destroy();
          return;
        }
        clearTimeout(timeout);
        device.ready = true;
        device.readyAt = Date.now();
        device.attempts = 0;
        device.onReady?.();
        device.onReady = undefined;
      }
    }
  });
  socket.on('error', (error: NodeJS.ErrnoException) => {
    counters.socketErrors++;
    noteError(error.code ?? error.message);
  });
  socket.on('close', () => {
    clearTimeout(timeout);
    if (device.socket !== socket) return;
    device.socket = undefined;
    const wasReady = device.ready;
    device.ready = false;
    if (wasReady) device.droppedAt = Date.now();
    else counters.closedBeforeReady++;
    if (stopping) return;
    if (device.onReady !== undefined && device.attempts + 1 >= CONNECT_ATTEMPTS) {
      device.onReady(new Error(firstError ?? 'closed before SUBACK'));
      device.onReady = undefined;
      return;
    }
    const delay = reconnectDelayMs(device.attempts++, Math.random);
    setTimeout(() => open(device), delay);
  });
}

const devices = Array.from({ length: count }, (_, i) => makeDevice(i));

function connectOnce(device: Device): Promise<void> {
  return new Promise((resolve, reject) => {
    device.onReady = (error) => (error ? reject(error) : resolve());
    open(device);
  });
}

async function connectAll(): Promise<void> {
  const started = Date.now();
  let next = 0;
  let failed = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < devices.length; i = next++) {
      await connectOnce(devices[i]!).catch(() => failed++);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  send({
    type: 'connected',
    connected: devices.filter((d) => d.ready).length,
    failed,
    startedAt: started,
    lastReadyAt: Math.max(...devices.map((d) => d.readyAt)),
    ...report(),
  });
}

function report(): Record<string, unknown> {
  return { counters: { ...counters }, errors: Object.fromEntries(errorSamples), firstError };
}

/** Resolves once every device dropped after `stormAt` and is ready again. */
function awaitStorm(stormAt: number, timeoutMs: number): void {
  const before = { ...counters };
  const check = setInterval(() => {
    const back = devices.filter((d) => d.ready && d.droppedAt >= stormAt && d.readyAt >= d.droppedAt);
    const timedOut = Date.now() - stormAt > timeoutMs;
    if (back.length < devices.length && !timedOut) return;
    clearInterval(check);
    const diff = Object.fromEntries(
      Object.entries(counters).map(([key, value]) => [key, value - before[key as keyof typeof counters]]),
    );
    send({
      type: 'reconnected',
      reconnected: back.length,
      firstDropAt: Math.min(...devices.filter((d) => d.droppedAt > 0).map((d) => d.droppedAt)),
      lastReadyAt: Math.max(...back.map((d) => d.readyAt)),
      duringStorm: diff,
      ...report(),
    });
  }, 100);
}

// Idle devices still owe the gateway a packet per keepalive interval.
setInterval(() => {
  const due = Date.now() - (FLEET_KEEPALIVE_SECONDS * 1000) / 2;
  for (const device of devices) {
    if (device.ready && device.lastSentAt < due) {
      device.socket?.write(PINGREQ);
      device.lastSentAt = Date.now();
    }
  }
}, 5_000).unref();

function closeAll(): void {
  stopping = true;
  for (const device of devices) device.socket?.destroy();
  process.exit(0);
}

createInterface({ input: process.stdin })
  .on('line', (line) => {
    const [command, at, timeoutMs] = line.split(' ');
    if (command === 'connect') void connectAll();
    if (command === 'storm') awaitStorm(Number(at), Number(timeoutMs));
    if (command === 'close') closeAll();
  })
  .on('close', closeAll);
send({ type: 'ready', pid: process.pid });
