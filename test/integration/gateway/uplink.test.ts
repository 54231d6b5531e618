import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_BROKERS } from '../../helpers/env.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice, messagesOn } from '../../helpers/mqtt.js';
import { execFileAsync, kcatReadAll } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

describe('gateway uplink: device messages into Kafka', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };

  beforeAll(async () => {
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-uplink' });
    collected = await collectTopics(ctx.kafka, [
      ctx.topics.telemetry,
      ctx.topics.events,
      ctx.topics.deadLetter,
    ]);
  });
  afterAll(async () => {
    await collected?.stop();
    expect(await gateway?.stop()).toBe(0);
  });

  const on = (topic: string, key: string) =>
    collected.records.filter((r) => r.topic === topic && r.key === key);

  it('bridges mqtt.js telemetry (single and batch) with key, value and headers', async () => {
    const device = await connectDevice(gateway.mqttUrl, 'pump-1');
    const before = Date.now();
    await device.publishAsync(
      'devices/pump-1/telemetry',
      JSON.stringify({ ts: 1_700_000_000_000, seq: 7, metrics: { temperature: 41.5 } }),
      { qos: 1 },
    );
    await device.publishAsync(
      'devices/pump-1/telemetry',
      JSON.stringify([
        { metrics: { temperature: 42 } },
        { ts: 1_700_000_001_000, metrics: { temperature: 43, vibration: 0.2 } },
      ]),
      { qos: 1 },
    );
    // The PUBACKs arrived, so the records are in Kafka already.
    const records = await waitFor(() =>
      on(ctx.topics.telemetry, 'pump-1').length === 3 ? on(ctx.topics.telemetry, 'pump-1') : null,
    );
    const [first, second, third] = records;
    expect(first?.value).toMatchObject({
      deviceId: 'pump-1',
      ts: 1_700_000_000_000,
      seq: 7,
      metrics: { temperature: 41.5 },
    });
    expect(first?.value.receivedAt).toBeGreaterThanOrEqual(before);
    // ts defaults to the gateway's receive time.
    expect(second?.value.ts).toBe(second?.value.receivedAt);
    expect(third?.value).toMatchObject({
      ts: 1_700_000_001_000,
      metrics: { temperature: 43, vibration: 0.2 },
    });
    expect(first?.headers).toEqual({
      'device-id': 'pump-1',
      'content-type': 'application/json',
      schema: 'telemetry/1',
      'gateway-id': 'gw-uplink',
    });
  });

  it('bridges messages from mosquitto_pub, and kcat reads them back', async () => {
    await execFileAsync('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(gateway.ports.mqtt),
      '-i',
      'motor-9',
      '-q',
      '1',
      '-t',
      'devices/motor-9/events',
      '-m',
      JSON.stringify({ type: 'door-open', severity: 'warning', data: { door: 2 } }),
    ]);
    const [event] = await waitFor(() =>
      on(ctx.topics.events, 'motor-9').length > 0 ? on(ctx.topics.events, 'motor-9') : null,
    );
    expect(event?.value).toMatchObject({
      deviceId: 'motor-9',
      type: 'door-open',
      severity: 'warning',
      data: { door: 2 },
    });

    const viaKcat = await kcatReadAll(KAFKA_BROKERS, ctx.topics.events);
    const fromKcat = viaKcat.find((r) => r.key === 'motor-9');
    expect(JSON.parse(fromKcat?.value ?? '{}')).toMatchObject({ deviceId: 'motor-9', type: 'door-open' });
    expect(fromKcat?.headers).toContain('schema=event/1');
    expect(fromKcat?.headers).toContain('gateway-id=gw-uplink');
  });

  it('delivers 1,000 QoS 1 messages from one device to Kafka in order', async () => {
    const device = await connectDevice(gateway.mqttUrl, 'seq-device');
    await Promise.all(
      Array.from({ length: 1000 }, (_, seq) =>
        device.publishAsync('devices/seq-device/telemetry', JSON.stringify({ seq, metrics: { n: seq } }), {
          qos: 1,
        }),
      ),
    );
    const records = await waitFor(() => {
      const mine = on(ctx.topics.telemetry, 'seq-device');
      return mine.length >= 1000 ? mine : null;
    });
    expect(records).toHaveLength(1000);
    expect(records.map((r) => r.value.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
  });

  it('sends invalid payloads to the dead letter with the reason and tells the device', async () => {
    const device = await connectDevice(gateway.mqttUrl, 'bad-1');
    await device.subscribeAsync('devices/bad-1/errors', { qos: 0 });
    const notices = messagesOn(device, 'devices/bad-1/errors');
    const cases: [string, string | Buffer, string][] = [
      ['devices/bad-1/telemetry', 'not json', 'invalid_json'],
      ['devices/bad-1/telemetry', JSON.stringify({ metrics: { temperature: 'hot' } }), 'invalid_payload'],
      ['devices/bad-1/telemetry', JSON.stringify({ metrics: {} }), 'invalid_payload'],
      ['devices/bad-1/events', JSON.stringify({ severity: 'info' }), 'invalid_payload'],
      ['devices/bad-1/telemetry', Buffer.alloc(70_000, 0x61), 'payload_too_large'],
      ['devices/bad-1/status', JSON.stringify({ ok: true }), 'unknown_topic'],
    ];
    for (const [topic, payload] of cases) await device.publishAsync(topic, payload, { qos: 1 });

    const dead = await waitFor(() => {
      const mine = on(ctx.topics.deadLetter, 'bad-1');
      return mine.length >= cases.length ? mine : null;
    });
    expect(dead.map((r) => String(r.value.reason).split(':')[0])).toEqual(cases.map((c) => c[2]));
    expect(dead.map((r) => r.value.topic)).toEqual(cases.map((c) => c[0]));
    expect(Buffer.from(String(dead[0]?.value.payloadBase64), 'base64').toString()).toBe('not json');
    expect(dead[1]?.value.reason).toMatch(/metrics\.temperature/);
    expect(dead[0]?.value).toMatchObject({
      deviceId: 'bad-1',
      clientId: 'bad-1',
      source: 'gateway/gw-uplink',
    });
    // Nothing of it reached the telemetry or events topics.
    expect(on(ctx.topics.telemetry, 'bad-1')).toHaveLength(0);
    expect(on(ctx.topics.events, 'bad-1')).toHaveLength(0);

    await waitFor(() => notices.length >= cases.length);
    const codes = notices.map((n) => (JSON.parse(n.payload.toString()) as { code: string }).code);
    expect(codes).toEqual(cases.map((c) => c[2]));
    expect(device.connected).toBe(true);
  });

  it('reports Kafka state on /healthz and counts on /metrics', async () => {
    const health = await fetch(`http://127.0.0.1:${gateway.ports.http}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      healthy: true,
      gatewayId: 'gw-uplink',
      kafka: { state: 'connected' },
    });
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.ports.http}/metrics`)).text();
    expect(metrics).toMatch(
      /gateway_messages_in_total\{kind="telemetry",qos="1",gateway="gw-uplink"\} 100[0-9]/,
    );
    expect(metrics).toMatch(/gateway_rejections_total\{reason="invalid_payload",gateway="gw-uplink"\} 3/);
    expect(metrics).toMatch(/gateway_kafka_send_duration_seconds_count\{gateway="gw-uplink"\} [1-9]/);
  });
});
