import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  GoodTraffic,
  collectGatewayOutput,
  deadLettersFor,
  gatewayHealth,
  lastLogs,
} from '../../helpers/adversarial.js';
import { writeCommand } from '../../helpers/commands.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { eventWith, nestedArrays, nestedObjects, notJson } from '../../helpers/hostile-payloads.js';
import { uniqueName, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { mosquittoPub, startMosquittoSub, type MosquittoPubResult } from '../../helpers/mosquitto.js';
import { publishPacketBytes } from '../../helpers/raw-mqtt.js';
import { waitFor } from '../../helpers/wait.js';

const MIB = 1024 * 1024;

/** Bytes a PUBLISH adds to a large payload on `topic` (fixed header with a 3-byte length, topic, id). */
function publishOverhead(topic: string, qos: 0 | 1 | 2): number {
  return publishPacketBytes(Buffer.byteLength(topic), 100_000, qos) - 100_000;
}

/**
 * Regression tests for the hardening issue's findings 1-3, each with the attack as it was reported
 * (mosquitto_pub / mosquitto_sub against a real gateway) in the middle of legitimate QoS 1 traffic
 * from other devices. Target for every row: the gateway stays up and healthy, every good message is
 * acknowledged and in Kafka, the attacker's message is a dead letter with a reason or is refused
 * (its connection closed), and nothing reaches another device.
 */
describe('adversarial: one device cannot take the gateway or other devices down', () => {
  const ctx = useTestTopics();
  const run = uniqueName('adv').slice(-6);
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };
  let gateway: GatewayProcess | undefined;
  let producer: Producer;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adversarial-'));
    producer = ctx.kafka.producer();
    await producer.connect();
    collected = await collectGatewayOutput(ctx.kafka, ctx.topics);
  });
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });
  afterAll(async () => {
    await collected?.stop();
    await producer?.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  // Each case gets its own gateway, so that one that takes the gateway down does not fail the next.
  async function freshGateway(name: string): Promise<GatewayProcess> {
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: `gw-${name}` });
    return gateway;
  }

  async function payloadFile(name: string, payload: Buffer | string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, payload);
    return file;
  }

  /**
   * Runs `attack` while three good devices publish, then checks the target behaviour of every row:
   * the gateway alive and /healthz 200, every good QoS 1 message acknowledged (before and after
   * the attack) and on the telemetry topic under its key, and nothing about them misplaced.
   */
  async function underGoodTraffic<T>(gw: GatewayProcess, tag: string, attack: () => Promise<T>): Promise<T> {
    const traffic = await GoodTraffic.start(gw.mqttUrl, [`${tag}-good-1`, `${tag}-good-2`, `${tag}-good-3`]);
    expect(await traffic.progress(3), 'good traffic flows before the attack').toBe(true);
    const outcome = await attack();
    const progressed = await traffic.progress(3);
    await traffic.stop();
    const health = await gatewayHealth(gw);
    expect(health, `gateway after the attack; last logs:\n${lastLogs(gw)}`).toMatchObject({
      alive: true,
      status: 200,
    });
    expect(traffic.failures, 'every good QoS 1 message acknowledged').toEqual([]);
    expect(progressed, 'good devices still acknowledged after the attack').toBe(true);
    await waitFor(
      () => traffic.missingFromKafka(collected.records, ctx.topics).length === 0,
      15_000,
      'every acknowledged good message in Kafka',
    ).catch(() => undefined);
    expect(traffic.missingFromKafka(collected.records, ctx.topics)).toEqual([]);
    expect(traffic.misplaced(collected.records, ctx.topics)).toEqual([]);
    for (const device of traffic.devices) {
      expect(device.client.connected, `${device.id} still connected`).toBe(true);
      expect(device.received, `${device.id} received nothing it did not ask for`).toEqual([]);
    }
    return outcome;
  }

  /** Acknowledged: a dead letter with a reason exists for it. Not acknowledged: the connection was closed. */
  async function expectDeadLetterOrRefused(
    attacker: string,
    topic: string,
    result: MosquittoPubResult,
  ): Promise<CollectedRecord | undefined> {
    expect(result.timedOut, `mosquitto_pub neither acknowledged nor refused:\n${result.stdout}`).toBe(false);
    if (!result.acknowledged) {
      // Refused: the gateway closed the connection instead of acknowledging.
      expect(result.code, result.stdout + result.stderr).not.toBe(0);
      return undefined;
    }
    const dead = await waitFor(
      () => deadLettersFor(collected.records, ctx.topics, attacker).find((r) => r.value.topic === topic),
      15_000,
      `a dead letter for ${attacker} on ${topic}`,
    );
    expect(dead.value.reason).toEqual(expect.stringMatching(/^[a-z_]+: .+/));
    expect(dead.value.clientId).toBe(attacker);
    return dead;
  }

  describe('finding 1: deeply nested JSON', () => {
    const deepCases = [
      // The reported attack: 40 KB, `data` nested 20,000 levels of arrays.
      {
        id: 'd1',
        name: 'event data 20,000 arrays deep, QoS 1',
        kind: 'events',
        qos: 1,
        body: eventWith(nestedArrays(20_000)),
      },
      {
        id: 'd2',
        name: 'event data 10,000 objects deep, QoS 1',
        kind: 'events',
        qos: 1,
        body: eventWith(nestedObjects(10_000)),
      },
      {
        id: 'd3',
        name: 'event data 20,000 arrays deep, QoS 0',
        kind: 'events',
        qos: 0,
        body: eventWith(nestedArrays(20_000)),
      },
      {
        id: 'd4',
        name: 'command result data 20,000 arrays deep, QoS 1',
        kind: 'command-results',
        qos: 1,
        body: `{"id":"c-1","status":"succeeded","data":{"x":${nestedArrays(20_000)}}}`,
      },
      {
        id: 'd5',
        name: 'telemetry metric 20,000 arrays deep, QoS 1',
        kind: 'telemetry',
        qos: 1,
        body: `{"metrics":{"t":${nestedArrays(20_000)}}}`,
      },
    ] as const;

    it.each(deepCases)(
      '$name: gateway stays up, the message is dead-lettered',
      async ({ id, kind, qos, body }) => {
        const tag = `${run}-${id}`;
        const gw = await freshGateway(tag);
        const attacker = `${tag}-atk`;
        const topic = `devices/${attacker}/${kind}`;
        expect(Buffer.byteLength(body)).toBeLessThan(65_536);
        const file = await payloadFile(`${tag}.json`, body);
        const result = await underGoodTraffic(gw, tag, () =>
          mosquittoPub(gw.ports.mqtt, { clientId: attacker, topic, qos, file }, 15_000),
        );
        // At QoS 0 nothing is acknowledged and mosquitto_pub exits 0 either way: the dead letter is required.
        await expectDeadLetterOrRefused(attacker, topic, result);
        // Nothing of it reached the events topic as if it were a valid event.
        expect(collected.records.filter((r) => r.key === attacker && r.topic === ctx.topics.events)).toEqual(
          [],
        );
      },
    );
  });

  describe('finding 2: a dead letter larger than a Kafka record', () => {
    const hugeCases = [
      // The reported attack: 900 KB of non-JSON, under the 1 MiB packet limit, at QoS 1.
      {
        id: 'h1',
        name: '900 KB of non-JSON on telemetry, QoS 1',
        leaf: 'telemetry',
        qos: 1,
        bytes: 900 * 1024,
      },
      { id: 'h2', name: '900 KB of non-JSON on events, QoS 0', leaf: 'events', qos: 0, bytes: 900 * 1024 },
      {
        id: 'h3',
        name: "900 KB on another device's command topic, QoS 1",
        leaf: 'other-commands',
        qos: 1,
        bytes: 900 * 1024,
      },
      // A PUBLISH of exactly GATEWAY_MAX_PACKET_BYTES (1 MiB), the largest the packet limit lets through.
      {
        id: 'h4',
        name: 'a PUBLISH of exactly 1 MiB, QoS 1',
        leaf: 'telemetry',
        qos: 1,
        bytes: 'packet-limit',
      },
    ] as const;

    it.each(hugeCases)(
      '$name: others keep getting PUBACKs, /healthz stays 200',
      async ({ id, leaf, qos, bytes }) => {
        const tag = `${run}-${id}`;
        const gw = await freshGateway(tag);
        const attacker = `${tag}-atk`;
        const topic =
          leaf === 'other-commands' ? `devices/${tag}-good-1/commands/unlock` : `devices/${attacker}/${leaf}`;
        const size = bytes === 'packet-limit' ? MIB - publishOverhead(topic, qos) : bytes;
        const file = await payloadFile(`${tag}.bin`, notJson(size));
        const result = await underGoodTraffic(gw, tag, () =>
          mosquittoPub(gw.ports.mqtt, { clientId: attacker, topic, qos, file }, 15_000),
        );
        await expectDeadLetterOrRefused(attacker, topic, result);
      },
    );
  });

  describe("finding 3: a forged command queued in another device's persistent session", () => {
    it.each([1, 2] as const)(
      'QoS %i: the offline device never receives it when it reconnects',
      async (qos) => {
        const tag = `${run}-forge-${qos}`;
        const gw = await freshGateway(tag);
        const victim = `${tag}-victim`;
        const attacker = `${tag}-atk`;
        const subscription = {
          clientId: victim,
          topics: [`devices/${victim}/commands/#`, `devices/${victim}/errors`],
          qos: 1 as const,
          persistent: true,
        };
        // B subscribes with a persistent session, then goes away cleanly: the gateway keeps its session.
        const first = await startMosquittoSub(gw.ports.mqtt, subscription);
        expect(first.granted).toEqual([1, 1]);
        await first.stop();
        await waitFor(
          () =>
            collected.records.some(
              (r) => r.topic === ctx.topics.presence && r.key === victim && r.value.status === 'disconnected',
            ),
          15_000,
          `${victim} disconnected`,
        );

        const forged = JSON.stringify({
          id: 'evil',
          params: { force: true },
          expiresAt: Date.now() + 600_000,
        });
        const forgedError = JSON.stringify({ code: 'invalid_json', message: 'forged', topic: 'x' });
        const commandTopic = `devices/${victim}/commands/unlock`;
        const errorsTopic = `devices/${victim}/errors`;
        const [onCommands, onErrors] = await underGoodTraffic(gw, tag, async () => [
          await mosquittoPub(
            gw.ports.mqtt,
            {
              clientId: attacker,
              topic: commandTopic,
              qos,
              message: forged,
            },
            15_000,
          ),
          await mosquittoPub(
            gw.ports.mqtt,
            {
              clientId: `${attacker}-2`,
              topic: errorsTopic,
              qos,
              message: forgedError,
              retain: true,
            },
            15_000,
          ),
        ]);
        await expectDeadLetterOrRefused(attacker, commandTopic, onCommands);
        await expectDeadLetterOrRefused(`${attacker}-2`, errorsTopic, onErrors);

        // B comes back. A legitimate command written through Kafka after its SUBACK is the sentinel:
        // what B's session held was sent right at CONNECT, so once B has the sentinel it has that too.
        const again = await startMosquittoSub(gw.ports.mqtt, subscription);
        const legit = await writeCommand(producer, ctx.topics.commands, {
          deviceId: victim,
          name: 'sentinel',
        });
        // On timeout the assertion below shows what did arrive instead.
        await waitFor(() => again.messages.some((m) => m.topic.endsWith('/sentinel')), 15_000).catch(
          () => undefined,
        );
        await new Promise((r) => setTimeout(r, 300));
        const got = again.messages.map((m) => ({ topic: m.topic, payload: m.payload.toString() }));
        expect(got).toEqual([
          {
            topic: `devices/${victim}/commands/sentinel`,
            payload: JSON.stringify({ id: legit.id, params: legit.params, expiresAt: legit.expiresAt }),
          },
        ]);
        await again.stop();
        expect(await gatewayHealth(gw)).toMatchObject({ alive: true, status: 200 });
      },
    );
  });
});
