import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import {
  commandResultsTopic,
  commandsWildcard,
  isTerminalCommandStatus,
  serverMessageSchema,
  type CommandStatus,
} from '../contracts/index.js';
import { ensureTopics } from '../common/kafka/topics.js';
import { startGatewayProcess } from '../test/helpers/gateway-process.js';
import { issueCommand, provisionDevice } from '../test/helpers/hub-api.js';
import { startHubProcess } from '../test/helpers/hub-process.js';
import { retryKafka } from './kafka-scope.js';
import { summarize } from './stats.js';

export interface CommandsBenchOptions {
  brokers: string[];
  /** Commands issued one after another; each waits for the previous one's final status. */
  count: number;
}

const WARMUP_COMMANDS = 5;
const DEVICE_ID = 'bench-cmd-device';

/**
 * Command round trip: POST /api/commands until the hub pushes `succeeded` on the console
 * WebSocket, through Kafka, a gateway and an mqtt.js device that answers at once.
 */
export async function runCommandsBench(options: CommandsBenchOptions): Promise<Record<string, unknown>> {
  const prefix = `bench-cmd-${Date.now().toString(36)}`;
  const kafka = new Kafka({ clientId: 'bench', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  // Right after another scenario deleted its topics, a new topic's metadata can lag behind.
  await retryKafka('creating topics', () =>
    ensureTopics(admin, { prefix, partitions: 6, replicationFactor: 1 }),
  );
  const env = { KAFKA_TOPIC_PREFIX: prefix, KAFKA_BROKERS: options.brokers.join(',') };
  const token = randomBytes(32).toString('base64url');
  const [gateway, hub] = await Promise.all([
    startGatewayProcess({ ...env, GATEWAY_ID: 'gw-bench-cmd', DEVICE_AUTH: 'none' }),
    startHubProcess({ ...env, HUB_OPERATOR_TOKEN: token }),
  ]);
  const device = mqtt.connect(gateway.mqttUrl, { clientId: DEVICE_ID, reconnectPeriod: 0 });
  const console = new WebSocket(`${hub.url.replace(/^http/, 'ws')}/ws`, {
    headers: { authorization: `Bearer ${token}` },
  });
  try {
    await Promise.all([
      new Promise<void>((resolve, reject) => {
        device.once('connect', () => resolve());
        device.once('error', reject);
      }),
      new Promise<void>((resolve, reject) => {
        console.once('open', () => resolve());
        console.once('error', reject);
      }),
      provisionDevice(hub, DEVICE_ID),
    ]);
    device.on('message', (_topic, payload) => {
      const { id } = JSON.parse(payload.toString()) as { id: string };
      device.publish(commandResultsTopic(DEVICE_ID), JSON.stringify({ id, status: 'succeeded' }), {
        qos: 1,
      });
    });
    await device.subscribeAsync(commandsWildcard(DEVICE_ID), { qos: 1 });

    // A status may be pushed before the POST answers, so finished ids are remembered, not awaited.
    const finished = new Map<string, CommandStatus>();
    const waiters = new Map<string, (status: CommandStatus) => void>();
    console.on('message', (data) => {
      const parsed = serverMessageSchema.safeParse(JSON.parse((data as Buffer).toString('utf8')));
      if (!parsed.success || parsed.data.type !== 'commandStatus') return;
      const { id, status } = parsed.data;
      if (!isTerminalCommandStatus(status)) return;
      finished.set(id, status);
      waiters.get(id)?.(status);
    });
    const terminal = (id: string): Promise<CommandStatus> => {
      const known = finished.get(id);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiters.set(id, resolve));
    };

    const latencies: number[] = [];
    for (let i = 0; i < WARMUP_COMMANDS + options.count; i++) {
      const started = performance.now();
      const { id } = await issueCommand(hub, { deviceId: DEVICE_ID, name: 'bench', params: { i } });
      const status = await terminal(id);
      if (status !== 'succeeded') throw new Error(`command ${id} ended ${status}`);
      waiters.delete(id);
      if (i >= WARMUP_COMMANDS) latencies.push(performance.now() - started);
    }
    const summary = summarize(latencies);
    return {
      scenario: 'commands',
      count: options.count,
      warmup: WARMUP_COMMANDS,
      latencyMs: { p50: summary.p50, p99: summary.p99, max: summary.max },
    };
  } finally {
    console.terminate();
    await device.endAsync(true).catch(() => undefined);
    await Promise.all([hub.stop(), gateway.stop()]);
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  }
}
