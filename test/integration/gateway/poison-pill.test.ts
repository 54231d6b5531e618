import { createHash, randomBytes } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterRecordSchema } from '../../../contracts/index.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { execFileAsync } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

const { ConfigResourceTypes } = kafkajs;

async function setMaxMessageBytes(admin: Admin, topic: string, bytes: number): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
      },
    ],
  });
}

/**
 * Waits until the broker itself refuses a record of `bytes` for `topic`, i.e. the new limit is in
 * force. Probes taken before that are JSON, like everything else the test reads back.
 */
async function waitUntilRefused(kafka: Kafka, topic: string, bytes: number): Promise<void> {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 0 },
  });
  await producer.connect();
  try {
    await waitFor(
      () =>
        producer
          .send({
            topic,
            acks: -1,
            messages: [{ key: 'probe', value: JSON.stringify({ probe: 'x'.repeat(bytes) }) }],
          })
          .then(
            () => false,
            (error: { type?: string }) => error.type === 'MESSAGE_TOO_LARGE',
          ),
      20_000,
      `${topic} to refuse ${bytes}-byte records`,
    );
  } finally {
    await producer.disconnect();
  }
}

/**
 * Devices that publish `messages` QoS 1 events each, all at once; resolves when every PUBACK
 * arrived, with the sequence numbers each device sent.
 */
async function goodTraffic(
  url: string,
  prefix: string,
  devices: number,
  messages: number,
): Promise<Map<string, number[]>> {
  const sent = new Map<string, number[]>();
  const clients = await Promise.all(
    Array.from({ length: devices }, (_, d) => connectDevice(url, `${prefix}-${d}`)),
  );
  await Promise.all(
    clients.map((client, d) => {
      const id = `${prefix}-${d}`;
      const seqs = Array.from({ length: messages }, (_, i) => i);
      sent.set(id, seqs);
      return Promise.all(
        seqs.map((seq) =>
          client.publishAsync(`devices/${id}/events`, JSON.stringify({ type: 'tick', data: { seq } }), {
            qos: 1,
          }),
        ),
      );
    }),
  );
  return sent;
}

function firstOccurrences(records: CollectedRecord[], topic: string, device: string): number[] {
  const seen = records
    .filter((r) => r.topic === topic && r.key === device)
    .map((r) => (r.value.data as { seq: number }).seq);
  return seen.filter((seq, i) => seen.indexOf(seq) === i);
}

/** Every message each device sent is in Kafka, first occurrences in the order sent (duplicates allowed). */
async function allInKafka(
  records: CollectedRecord[],
  topic: string,
  sent: Map<string, number[]>,
): Promise<void> {
  const complete = () =>
    [...sent].every(([device, seqs]) => firstOccurrences(records, topic, device).length >= seqs.length);
  await waitFor(complete, 20_000, `every message on ${topic}`).catch(() => undefined);
  for (const [device, seqs] of sent) expect(firstOccurrences(records, topic, device), device).toEqual(seqs);
}

function deadLettersOf(records: CollectedRecord[], topic: string, device: string): CollectedRecord[] {
  return records.filter((r) => r.topic === topic && r.key === device);
}

async function healthz(gateway: GatewayProcess): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${gateway.ports.http}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

// An event whose Kafka record is about `bytes` long: two strings, each under the JSON string limit.
function bigEvent(bytes: number): string {
  const half = 'x'.repeat(Math.floor(bytes / 2));
  return JSON.stringify({ type: 'dump', data: { a: half, b: half } });
}

describe('gateway on a cluster whose topic takes smaller records than the default', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };

  beforeAll(async () => {
    await setMaxMessageBytes(ctx.admin, ctx.topics.events, 20_000);
    await waitUntilRefused(ctx.kafka, ctx.topics.events, 25_000);
    // A longer linger puts the big records and the other devices' records into the same batches.
    gateway = await startGatewayProcess({
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      GATEWAY_ID: 'gw-poison',
      GATEWAY_LINGER_MS: '20',
    });
    collected = await collectTopics(ctx.kafka, [ctx.topics.events, ctx.topics.deadLetter]);
  });
  afterAll(async () => {
    await collected?.stop();
    expect(await gateway?.stop()).toBe(0);
  });

  it('dead-letters a record over the limit read at start-up, acknowledges it, and lets every other device through', async () => {
    const big = await connectDevice(gateway.mqttUrl, 'big-1');
    const [, sent] = await Promise.all([
      Promise.all(
        Array.from({ length: 3 }, () =>
          big.publishAsync('devices/big-1/events', bigEvent(30_000), { qos: 1 }),
        ),
      ),
      goodTraffic(gateway.mqttUrl, 'good-a', 5, 40),
    ]);

    await allInKafka(collected.records, ctx.topics.events, sent);
    const dead = await waitFor(() => {
      const mine = deadLettersOf(collected.records, ctx.topics.deadLetter, 'big-1');
      return mine.length >= 3 ? mine : null;
    });
    for (const record of dead) {
      const value = deadLetterRecordSchema.parse(record.value);
      expect(value.reason).toMatch(/^payload_too_large: .*takes at most 20000 \(max\.message\.bytes\)/);
      expect(value.payloadTruncated).toBe(false);
      expect(Buffer.from(value.payloadBase64, 'base64').toString()).toBe(bigEvent(30_000));
    }
    expect(collected.records.filter((r) => r.topic === ctx.topics.events && r.key === 'big-1')).toHaveLength(
      0,
    );
    expect((await healthz(gateway)).status).toBe(200);
  });

  it('fails only the records Kafka refuses after the limit was lowered at run time, and goes on with the rest', async () => {
    // The gateway read 20000 at start-up; records of 15 KB pass its check and reach Kafka.
    await setMaxMessageBytes(ctx.admin, ctx.topics.events, 10_000);
    await waitUntilRefused(ctx.kafka, ctx.topics.events, 15_000);

    const big = await connectDevice(gateway.mqttUrl, 'big-2');
    const [, sent] = await Promise.all([
      Promise.all(
        Array.from({ length: 3 }, () =>
          big.publishAsync('devices/big-2/events', bigEvent(15_000), { qos: 1 }),
        ),
      ),
      goodTraffic(gateway.mqttUrl, 'good-b', 5, 40),
    ]);
    // Every PUBACK arrived: big-2's messages are dead letters, the others' are records.
    await allInKafka(collected.records, ctx.topics.events, sent);
    const dead = await waitFor(() => {
      const mine = deadLettersOf(collected.records, ctx.topics.deadLetter, 'big-2');
      return mine.length >= 3 ? mine : null;
    });
    for (const record of dead) {
      expect(deadLetterRecordSchema.parse(record.value).reason).toMatch(/MESSAGE_TOO_LARGE, not retriable/);
    }
    expect(collected.records.filter((r) => r.topic === ctx.topics.events && r.key === 'big-2')).toHaveLength(
      0,
    );

    // The producer is not left with sequence numbers the broker refuses: later traffic flows too.
    const after = await goodTraffic(gateway.mqttUrl, 'good-c', 5, 20);
    await allInKafka(collected.records, ctx.topics.events, after);

    const metrics = await (await fetch(`http://127.0.0.1:${gateway.ports.http}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(
        `gateway_kafka_records_rejected_total\\{[^}]*topic="${ctx.topics.events}"[^}]*reason="MESSAGE_TOO_LARGE"[^}]*\\} [1-9]`,
      ),
    );
    expect((await healthz(gateway)).status).toBe(200);
  });
});

describe('gateway receiving a 900 KB non-JSON payload', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'poison-pill-'));
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-900k' });
    collected = await collectTopics(ctx.kafka, [ctx.topics.events, ctx.topics.deadLetter]);
  });
  afterAll(async () => {
    await collected?.stop();
    expect(await gateway?.stop()).toBe(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('stays healthy, keeps a truncated dead letter with the right SHA-256, and acknowledges other devices', async () => {
    const payload = randomBytes(900 * 1024);
    // Not JSON whatever the random bytes are.
    payload[0] = 0xff;
    const file = join(dir, 'payload.bin');
    await writeFile(file, payload);

    const [, sent] = await Promise.all([
      execFileAsync(
        'mosquitto_pub',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(gateway.ports.mqtt),
          '-i',
          'hostile-1',
          '-t',
          'devices/hostile-1/events',
          '-q',
          '1',
          '-f',
          file,
        ],
        { timeout: 30_000 },
      ),
      goodTraffic(gateway.mqttUrl, 'good-d', 5, 40),
    ]);

    await allInKafka(collected.records, ctx.topics.events, sent);
    const [dead] = await waitFor(() => {
      const mine = deadLettersOf(collected.records, ctx.topics.deadLetter, 'hostile-1');
      return mine.length > 0 ? mine : null;
    });
    const value = deadLetterRecordSchema.parse(dead?.value);
    expect(value).toMatchObject({
      deviceId: 'hostile-1',
      topic: 'devices/hostile-1/events',
      payloadBytes: 900 * 1024,
      payloadSha256: createHash('sha256').update(payload).digest('hex'),
      payloadTruncated: true,
    });
    expect(value.reason).toMatch(/^payload_too_large/);
    expect(Buffer.from(value.payloadBase64, 'base64')).toEqual(payload.subarray(0, 64 * 1024));

    const health = await healthz(gateway);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ kafka: { state: 'connected' }, queuedRecords: 0 });
  });
});
