import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaTopicNames, telemetryTopic } from '../contracts/index.js';
import { ensureTopics } from '../common/kafka/topics.js';
import { startGatewayProcess } from '../test/helpers/gateway-process.js';
import { processUsage, summarize } from './stats.js';

export interface IngestOptions {
  devices: number;
  seconds: number;
  qos: 0 | 1;
  /** QoS 1 messages each device keeps unacknowledged at once. */
  window: number;
  brokers: string[];
}

async function connectAll(url: string, ids: string[]): Promise<MqttClient[]> {
  const clients: MqttClient[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const batch = ids.slice(i, i + 50).map(
      (id) =>
        new Promise<MqttClient>((resolve, reject) => {
          const client = mqtt.connect(url, { clientId: id, reconnectPeriod: 0, keepalive: 60 });
          client.once('connect', () => resolve(client));
          client.once('error', reject);
        }),
    );
    clients.push(...(await Promise.all(batch)));
  }
  return clients;
}

/** N devices publish telemetry as fast as their QoS 1 window allows (or unthrottled at QoS 0) for a fixed time. */
export async function runIngest(options: IngestOptions): Promise<Record<string, unknown>> {
  const prefix = `bench-${Date.now().toString(36)}`;
  const topics = kafkaTopicNames(prefix);
  const kafka = new Kafka({ clientId: 'bench', brokers: options.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { prefix, partitions: 6, replicationFactor: 1 });
  const gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: prefix, GATEWAY_ID: 'gw-bench' });
  const pid = gateway.child.pid ?? 0;
  try {
    const ids = Array.from({ length: options.devices }, (_, i) => `bench-${i}`);
    const clients = await connectAll(gateway.mqttUrl, ids);
    const latencies: number[] = [];
    let acked = 0;
    let sent = 0;
    const usageBefore = processUsage(pid);
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await Promise.all(
      clients.map(async (client, i) => {
        const topic = telemetryTopic(ids[i] ?? '');
        let seq = 0;
        const publishOne = async (): Promise<void> => {
          const t0 = performance.now();
          const payload = JSON.stringify({
            seq: seq++,
            ts: Date.now(),
            metrics: { temperature: 40 + Math.random(), vibration: Math.random(), current: 12.5 },
          });
          sent++;
          await client.publishAsync(topic, payload, { qos: options.qos });
          if (options.qos === 1) {
            latencies.push(performance.now() - t0);
            acked++;
          }
        };
        if (options.qos === 1) {
          await Promise.all(
            Array.from({ length: options.window }, async () => {
              while (performance.now() < deadline) await publishOne();
            }),
          );
        } else {
          while (performance.now() < deadline) {
            await publishOne();
            if (seq % 50 === 0) await new Promise((r) => setImmediate(r));
          }
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const usageAfter = processUsage(pid);
    await Promise.all(clients.map((c) => c.endAsync()));
    // Count what actually reached Kafka, from the topic's end offsets.
    await new Promise((r) => setTimeout(r, 1000));
    const offsets = await admin.fetchTopicOffsets(topics.telemetry);
    const inKafka = offsets.reduce((sum, p) => sum + Number(p.high), 0);
    return {
      scenario: 'ingest',
      devices: options.devices,
      qos: options.qos,
      window: options.qos === 1 ? options.window : undefined,
      seconds: Math.round(elapsed * 100) / 100,
      sent,
      acknowledged: options.qos === 1 ? acked : undefined,
      recordsInKafka: inKafka,
      recordsPerSecond: Math.round(inKafka / elapsed),
      ackLatencyMs: options.qos === 1 ? summarize(latencies) : undefined,
      gateway: {
        cpuPercent: Math.round(((usageAfter.cpuSeconds - usageBefore.cpuSeconds) / elapsed) * 100),
        rssMiB: Math.round(usageAfter.rssBytes / 1024 / 1024),
      },
    };
  } finally {
    await gateway.stop();
    const ours = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    await admin.deleteTopics({ topics: ours });
    await admin.disconnect();
  }
}
