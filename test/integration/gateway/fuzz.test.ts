import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_JSON_LIMITS, kafkaTopicNames } from '../../../contracts/index.js';
import { decidePublish } from '../../../gateway/broker/topic-policy.js';
import { translateUplink } from '../../../gateway/uplink/translate.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { waitFor } from '../../helpers/wait.js';

const DEVICE = 'fuzz-1';
const MAX_PAYLOAD = 2048;

const level = fc.stringMatching(/^[A-Za-z0-9_.$ -]{0,12}$/);
const topicArb = fc.oneof(
  fc
    .constantFrom('telemetry', 'telemetry', 'events', 'command-results', 'errors', 'commands/reboot', 'x')
    .map((leaf) => `devices/${DEVICE}/${leaf}`),
  fc.constantFrom('telemetry', 'events').map((leaf) => `devices/other-device/${leaf}`),
  fc
    .array(level, { minLength: 1, maxLength: 6 })
    .map((levels) => levels.join('/'))
    .filter((t) => t.length > 0 && !t.startsWith('$')),
);
const metricsArb = fc.dictionary(
  fc.stringMatching(/^[a-z]{1,8}$/),
  fc.oneof(fc.double(), fc.string(), fc.constant(null)),
);
const validReading = fc.record({
  seq: fc.nat(),
  metrics: fc.dictionary(
    fc.stringMatching(/^[a-z]{1,8}$/),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    { minKeys: 1, maxKeys: 5 },
  ),
});
const payloadArb = fc.oneof(
  fc
    .oneof(validReading, fc.array(validReading, { minLength: 1, maxLength: 5 }))
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .record({
      type: fc.stringMatching(/^[a-z-]{1,20}$/),
      severity: fc.constantFrom('info', 'warning', 'critical'),
    })
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
  fc.json().map((text) => Buffer.from(text)),
  fc
    .record({ ts: fc.option(fc.integer(), { nil: undefined }), metrics: metricsArb })
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc
    .record({ type: fc.string(), severity: fc.constantFrom('info', 'warning', 'bad') })
    .map((v) => Buffer.from(JSON.stringify(v))),
  fc.integer({ min: MAX_PAYLOAD + 1, max: MAX_PAYLOAD + 500 }).map((n) => Buffer.alloc(n, 0x7b)),
);

describe('gateway under random topics and payloads', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess({
      KAFKA_TOPIC_PREFIX: ctx.prefix,
      GATEWAY_ID: 'gw-fuzz',
      GATEWAY_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });

  it('stays up, keeps the connection, and accounts for every message as records or a dead letter', async () => {
    const device = await connectDevice(gateway.mqttUrl, DEVICE);
    const topics = kafkaTopicNames(ctx.prefix);
    let expectedRecords = 0;
    let expectedRejections = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(topicArb, payloadArb), { minLength: 1, maxLength: 20 }),
        async (messages) => {
          for (const [topic, payload] of messages) {
            const decision = decidePublish(DEVICE, topic);
            const result = decision.allowed
              ? translateUplink(decision.kind, payload, {
                  deviceId: DEVICE,
                  gatewayId: 'gw-fuzz',
                  topics,
                  receivedAt: 0,
                  maxPayloadBytes: MAX_PAYLOAD,
                  jsonLimits: DEFAULT_JSON_LIMITS,
                })
              : { ok: false as const };
            // No command is known to this gateway, so every well-formed result is refused as unknown_command.
            if (result.ok && !(decision.allowed && decision.kind === 'command-results'))
              expectedRecords += result.records.length;
            else expectedRejections += 1;
            await device.publishAsync(topic, payload, { qos: 1 });
          }
          expect(device.connected).toBe(true);
        },
      ),
      { numRuns: 25, seed: 20261123 },
    );
    expect(expectedRejections).toBeGreaterThan(10);
    expect(expectedRecords).toBeGreaterThan(0);

    const health = await fetch(`http://127.0.0.1:${gateway.ports.http}/healthz`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.ports.http}/metrics`)).text();
    const rejected = [...metrics.matchAll(/^gateway_rejections_total\{reason="([a-z_]+)",[^}]*\} (\d+)$/gm)]
      .filter(([, reason]) => reason !== 'subscription_not_allowed')
      .reduce((sum, m) => sum + Number(m[2]), 0);
    expect(rejected).toBe(expectedRejections);

    const collected = await collectTopics(ctx.kafka, [
      topics.telemetry,
      topics.events,
      topics.commandStatus,
      topics.deadLetter,
    ]);
    try {
      await waitFor(
        () => collected.records.length >= expectedRecords + expectedRejections,
        30_000,
        'every message accounted for',
      );
      await new Promise((r) => setTimeout(r, 500));
      const dead = collected.records.filter((r) => r.topic === topics.deadLetter);
      expect(dead).toHaveLength(expectedRejections);
      expect(collected.records.length - dead.length).toBe(expectedRecords);
    } finally {
      await collected.stop();
    }
  });
});
