import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GoodTraffic,
  awaitSentinels,
  collectGatewayOutput,
  evidenceFor,
  gatewayHealth,
  lastLogs,
  victimSubscription,
} from '../../helpers/adversarial.js';
import {
  attackArb,
  buildFilter,
  buildPayload,
  buildTopic,
  expectation,
  type AttackSpec,
  type Parties,
} from '../../helpers/attack-arbitraries.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { uniqueName, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { startMosquittoSub, type MosquittoSubscriber } from '../../helpers/mosquitto.js';
import { RawMqttClient, encodeConnect, isPacket, publishPacketBytes } from '../../helpers/raw-mqtt.js';
import { waitFor } from '../../helpers/wait.js';

const ACK_TIMEOUT_MS = 10_000;
const NUM_RUNS = Number(process.env.ADVERSARIAL_RUNS ?? 150);
const SEED = Number(process.env.ADVERSARIAL_SEED ?? 20261201);

/**
 * Structure-aware property suite against ONE live gateway and real Kafka: each run has 1-4 hostile
 * clients at once (payloads deep, wide, huge, near every size limit, with prototype keys; unicode,
 * NUL and bad UTF-8 in topics; QoS 0/1/2 with DUP resends; forged commands and error notices for
 * other devices; Wills; foreign subscriptions) while good devices keep publishing, then checks the
 * invariants. It stops at the first failing run without shrinking: a failure may have changed the
 * gateway for every run after it. ADVERSARIAL_RUNS and ADVERSARIAL_SEED change the runs.
 */
describe('adversarial property: hostile devices among good ones', () => {
  const ctx = useTestTopics();
  const tag = uniqueName('p').slice(-6);
  const onlineVictim = `${tag}-victim-on`;
  const offlineVictim = `${tag}-victim-off`;
  let gateway: GatewayProcess;
  let collected: { records: CollectedRecord[]; stop: () => Promise<void> };
  let producer: Producer;
  let good: GoodTraffic;
  let victim: MosquittoSubscriber;
  let runs = 0;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: `gw-${tag}` });
    producer = ctx.kafka.producer();
    await producer.connect();
    collected = await collectGatewayOutput(ctx.kafka, ctx.topics);
    // The offline victim holds a persistent session the gateway keeps while it is away.
    const away = await startMosquittoSub(gateway.ports.mqtt, victimSubscription(offlineVictim));
    await away.stop();
    await waitFor(
      () =>
        collected.records.some(
          (r) =>
            r.topic === ctx.topics.presence && r.key === offlineVictim && r.value.status === 'disconnected',
        ),
      15_000,
      'the offline victim gone',
    );
    victim = await startMosquittoSub(gateway.ports.mqtt, victimSubscription(onlineVictim));
    good = await GoodTraffic.start(gateway.mqttUrl, [`${tag}-good-1`, `${tag}-good-2`]);
  });
  afterAll(async () => {
    await good?.stop();
    await victim?.stop();
    await collected?.stop();
    await producer?.disconnect();
    await gateway?.stop();
  });

  interface Outcome {
    spec: AttackSpec;
    id: string;
    result: string;
    mustAccept?: boolean;
    mayClose?: boolean;
    /** PUBLISH packets the attacker received; it subscribed to nothing it may have. */
    forwarded: string[];
  }

  interface Attacker {
    outcome: Outcome;
    client?: RawMqttClient;
  }

  async function attack(spec: AttackSpec, parties: Parties): Promise<Attacker> {
    const outcome: Outcome = { spec, id: parties.self, result: 'not run', forwarded: [] };
    let client: RawMqttClient | undefined;
    try {
      client = await RawMqttClient.open(gateway.ports.mqtt);
      if (spec.op === 'will') return { outcome: await dieWithWill(client, spec, parties, outcome) };
      const connack = await client.connect(parties.self);
      if (connack.returnCode !== 0) {
        outcome.result = `connack ${connack.returnCode}`;
        return { outcome, client };
      }
      if (spec.op === 'publish') {
        const topic = buildTopic(spec.topic, parties);
        const payload = buildPayload(spec.payload, topic.length, spec.qos);
        const rule = expectation(spec, publishPacketBytes(topic.length, payload.length, spec.qos));
        outcome.mustAccept = rule.mustAccept;
        outcome.mayClose = rule.mayClose;
        const duplicates = spec.qos === 2 ? (spec.dup ?? 0) : 0;
        outcome.result = await client.publish(
          { topic, payload, qos: spec.qos, retain: spec.retain, duplicates },
          ACK_TIMEOUT_MS,
        );
      } else {
        const filters = spec.filters.map((f) => buildFilter(f, parties));
        const granted = await client.subscribe(filters, spec.qos, ACK_TIMEOUT_MS);
        outcome.result = Array.isArray(granted) ? `granted ${granted.join(',')}` : String(granted);
      }
    } catch (error) {
      outcome.result = `error: ${(error as Error).message}`;
    }
    return { outcome, client };
  }

  /**
   * CONNECT with the Will, then drop the connection so that the broker publishes it. Refusing such
   * a CONNECT (CONNACK or close) is as good an answer as dead-lettering the Will.
   */
  async function dieWithWill(
    client: RawMqttClient,
    spec: AttackSpec & { op: 'will' },
    parties: Parties,
    outcome: Outcome,
  ): Promise<Outcome> {
    const topic = buildTopic(spec.topic, parties);
    // The Will payload has a two-byte length [MQTT-3.1.3.3]: 65,535 bytes at most.
    const payload = buildPayload(spec.payload, topic.length, spec.qos).subarray(0, 65_535);
    const connack = await client.tryConnect(
      parties.self,
      encodeConnect({ clientId: parties.self, will: { topic, payload, qos: spec.qos, retain: spec.retain } }),
    );
    if (connack === null || connack.returnCode !== 0) {
      outcome.result = connack === null ? 'refused (closed)' : `refused (connack ${connack.returnCode})`;
      return outcome;
    }
    // A PINGRESP means the gateway has finished with the CONNECT (it reads packets in order); a
    // drop before that leaves a stale "connected" presence, which the sessions suite covers.
    await client.write({ cmd: 'pingreq' });
    if ((await client.next(isPacket('pingresp'), ACK_TIMEOUT_MS)) === 'timeout') {
      outcome.result = 'timeout';
      return outcome;
    }
    await client.destroy();
    // The disconnect's presence record comes after the Will was handled.
    await waitFor(
      () =>
        collected.records.some(
          (r) =>
            r.topic === ctx.topics.presence && r.key === parties.self && r.value.status === 'disconnected',
        ),
      ACK_TIMEOUT_MS,
    ).then(
      () => (outcome.result = 'will published'),
      () => (outcome.result = 'timeout'),
    );
    return outcome;
  }

  /** What the attacker was sent (it holds no subscription it may have), then a clean DISCONNECT. */
  async function finish(attacker: Attacker): Promise<Outcome> {
    const { outcome, client } = attacker;
    if (!client) return outcome;
    outcome.forwarded = client.received.flatMap((p) => (p.cmd === 'publish' ? [p.topic] : []));
    if (!client.closed) await client.disconnect();
    return outcome;
  }

  /** The gateway's log lines that name this client, for a failure message. */
  function logsAbout(id: string): string {
    const lines = gateway.logs.filter((l) => JSON.stringify(l).includes(id)).slice(-3);
    return lines.map((l) => `\n  log: ${JSON.stringify(l).slice(0, 300)}`).join('');
  }

  function violationsOf(outcome: Outcome): string[] {
    const out: string[] = [];
    const { spec, result, id } = outcome;
    const what = `${id} ${JSON.stringify(spec).slice(0, 300)}`;
    if (result.startsWith('connack') || result.startsWith('error') || result === 'not run')
      return [`${what}: could not attack (${result})`];
    if (result === 'timeout')
      out.push(`${what}: neither acknowledged nor closed within ${ACK_TIMEOUT_MS} ms${logsAbout(id)}`);
    if (spec.op === 'will') {
      // Any answer but a hang is acceptable; delivery is checked on the victims.
    } else if (spec.op === 'subscribe') {
      if (
        result.startsWith('granted') &&
        result
          .split(' ')[1]
          ?.split(',')
          .some((g) => g !== '128')
      )
        out.push(`${what}: a foreign subscription was granted (${result})`);
    } else {
      if (result === 'closed' && !outcome.mayClose)
        out.push(`${what}: connection closed, not a protocol violation`);
      if (outcome.mustAccept && result !== 'acknowledged')
        out.push(`${what}: a valid message was not accepted (${result})`);
    }
    if (outcome.forwarded.length > 0) out.push(`${what}: attacker received ${outcome.forwarded.join(', ')}`);
    return out;
  }

  /** Acknowledged messages must have left evidence: a dead letter with a reason, or a valid record. */
  async function evidenceViolations(outcomes: Outcome[]): Promise<string[]> {
    const acked = outcomes.filter((o) => o.spec.op === 'publish' && o.result === 'acknowledged');
    const complete = (): boolean =>
      acked.every((o) => {
        const e = evidenceFor(collected.records, ctx.topics, o.id);
        return e.deadLetters.length + e.records.length + e.invalid.length > 0;
      });
    await waitFor(complete, 15_000).catch(() => undefined);
    const out: string[] = [];
    for (const o of acked) {
      const e = evidenceFor(collected.records, ctx.topics, o.id);
      const what = `${o.id} ${JSON.stringify(o.spec).slice(0, 300)}`;
      if (e.invalid.length > 0)
        out.push(
          `${what}: a record that breaks its topic's schema: ${JSON.stringify(e.invalid[0]?.value).slice(0, 300)}`,
        );
      if (e.deadLetters.length + e.records.length === 0)
        out.push(`${what}: acknowledged, but no dead letter or record`);
      // QoS 2 is exactly once [MQTT-4.3.3-2], DUP copies or not: one dead letter or one set of records.
      if (o.spec.op === 'publish' && o.spec.qos === 2 && duplicated(e))
        out.push(
          `${what}: a QoS 2 message counted more than once (${e.deadLetters.length} dead letters, ${e.records.length} records)`,
        );
      if (o.mustAccept && e.records.length === 0)
        out.push(
          `${what}: a valid message became ${e.deadLetters.map((d) => String(d.value.reason)).join('; ')}`,
        );
    }
    return out;
  }

  function duplicated(e: ReturnType<typeof evidenceFor>): boolean {
    if (e.deadLetters.length > 1 || (e.deadLetters.length > 0 && e.records.length > 0)) return true;
    const nonTelemetry = e.records.filter((r) => r.topic !== ctx.topics.telemetry);
    if (nonTelemetry.length > 1) return true;
    // The readings of one telemetry message carry distinct content: a repeat means a second copy.
    const readings = e.records
      .filter((r) => r.topic === ctx.topics.telemetry)
      .map((r) => JSON.stringify({ seq: r.value.seq, ts: r.value.ts, metrics: r.value.metrics }));
    return new Set(readings).size !== readings.length;
  }

  /** Nothing attributed to a victim or a good device that they did not send. */
  function misattributed(): string[] {
    const victims = new Set([onlineVictim, offlineVictim]);
    const aboutVictims = collected.records.filter(
      (r) =>
        (victims.has(r.key) || victims.has(String(r.value.deviceId))) &&
        r.topic !== ctx.topics.presence &&
        r.topic !== ctx.topics.commandStatus,
    );
    return [
      ...aboutVictims.map(
        (r) => `record about a victim: ${r.topic} ${JSON.stringify(r.value).slice(0, 200)}`,
      ),
      ...good
        .misplaced(collected.records, ctx.topics)
        .map((r) => `good device record misplaced: ${r.topic} ${r.key}`),
    ];
  }

  it('keeps every invariant, run after run, and at the end', async () => {
    const examples: AttackSpec[][] = [
      // Finding 1: 20,000 levels of arrays in event data.
      [
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'events' },
          payload: { p: 'deep', container: 'array', depth: 20_000, at: 'event-data' },
          qos: 1,
          retain: false,
        },
      ],
      // Finding 2: 900 KB of non-JSON under the packet limit.
      [
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'telemetry' },
          payload: { p: 'sized', size: { payload: 900 * 1024 }, content: 'not-json' },
          qos: 1,
          retain: false,
        },
      ],
      // Finding 3: forged commands and error notices for both victims, QoS 1 and 2, retained too.
      [
        {
          op: 'publish',
          topic: { t: 'victim', who: 'offline', leaf: 'commands/unlock' },
          payload: { p: 'forged-command' },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'victim', who: 'offline', leaf: 'errors' },
          payload: { p: 'forged-error' },
          qos: 2,
          retain: true,
        },
        {
          op: 'publish',
          topic: { t: 'victim', who: 'online', leaf: 'commands/unlock' },
          payload: { p: 'forged-command' },
          qos: 2,
          retain: true,
        },
        {
          op: 'publish',
          topic: { t: 'victim', who: 'good', leaf: 'errors' },
          payload: { p: 'forged-error' },
          qos: 1,
          retain: false,
        },
      ],
      [
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'telemetry' },
          payload: { p: 'proto', variant: 'metric-proto' },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'telemetry' },
          payload: { p: 'proto', variant: 'metric-constructor' },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'events' },
          payload: { p: 'proto', variant: 'data-proto' },
          qos: 2,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'command-results' },
          payload: { p: 'proto', variant: 'result-proto' },
          qos: 1,
          retain: false,
        },
      ],
      [
        {
          op: 'publish',
          topic: { t: 'nul', at: 'leaf' },
          payload: { p: 'valid-telemetry', batch: 0 },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'bad-utf8' },
          payload: { p: 'valid-telemetry', batch: 0 },
          qos: 2,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'unicode', text: 'télémétrie/🚀' },
          payload: { p: 'valid-event' },
          qos: 1,
          retain: false,
        },
        { op: 'subscribe', filters: ['#', 'devices/+/commands/#', '{offlineVictim}/errors'], qos: 1 },
      ],
      [
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'events' },
          payload: { p: 'sized', size: { payload: 65_536 }, content: 'event' },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'events' },
          payload: { p: 'sized', size: { payload: 65_537 }, content: 'event' },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'telemetry' },
          payload: { p: 'sized', size: { packetDelta: 0 }, content: 'not-json' },
          qos: 1,
          retain: false,
        },
        {
          op: 'publish',
          topic: { t: 'own', leaf: 'telemetry' },
          payload: { p: 'sized', size: { packetDelta: 1 }, content: 'not-json' },
          qos: 1,
          retain: false,
        },
      ],
    ];

    await fc.assert(
      fc.asyncProperty(fc.array(attackArb, { minLength: 1, maxLength: 4 }), async (attacks) => {
        const run = ++runs;
        const goodDevice = good.devices[run % good.devices.length]?.id ?? '';
        const attackers = await Promise.all(
          attacks.map((spec, i) =>
            attack(spec, { self: `${tag}-r${run}-a${i}`, onlineVictim, offlineVictim, good: goodDevice }),
          ),
        );
        // The good devices' next acknowledgements are the sentinel that the attacks were handled
        // (and that anything wrongly relayed had its chance to arrive).
        const progressed = await good.progress(2, ACK_TIMEOUT_MS);
        const outcomes = await Promise.all(attackers.map(finish));
        const health = await gatewayHealth(gateway);
        const violations = [
          ...(health.alive && health.status === 200
            ? []
            : [`gateway ${JSON.stringify(health).slice(0, 400)}\n${lastLogs(gateway)}`]),
          ...(progressed ? [] : [`good devices stopped getting PUBACKs: ${good.failures.join('; ')}`]),
          ...outcomes.flatMap(violationsOf),
          ...(await evidenceViolations(outcomes)),
          ...victim.messages.map(
            (m) => `online victim received ${m.topic}: ${m.payload.toString().slice(0, 100)}`,
          ),
          ...good.devices.flatMap((d) =>
            d.received.map((m) => `${d.id} received ${m.topic}: ${m.payload.slice(0, 100)}`),
          ),
          ...misattributed(),
        ];
        expect(violations, `run ${run}`).toEqual([]);
      }),
      {
        numRuns: NUM_RUNS,
        seed: SEED,
        // To replay one failing run: ADVERSARIAL_SEED and ADVERSARIAL_PATH from the failure message.
        ...(process.env.ADVERSARIAL_PATH ? { path: process.env.ADVERSARIAL_PATH } : {}),
        endOnFailure: true,
        examples: examples.map((e) => [e]),
      },
    );

    expect(runs).toBe(NUM_RUNS);

    // At the end (in the same test: the helpers close every client after each test):
    // every good message in Kafka, and the victims got only their own legitimate commands.
    await good.stop();
    expect(good.failures).toEqual([]);
    await waitFor(() => good.missingFromKafka(collected.records, ctx.topics).length === 0, 15_000).catch(
      () => undefined,
    );
    expect(good.missingFromKafka(collected.records, ctx.topics)).toEqual([]);

    // Each victim gets one legitimate command after its SUBACK: once it has that, it has had
    // everything its session held (sent at CONNECT) and everything forwarded before.
    const back = await startMosquittoSub(gateway.ports.mqtt, victimSubscription(offlineVictim));
    const sentinels = await awaitSentinels(producer, ctx.topics.commands, [
      { deviceId: onlineVictim, subscriber: victim },
      { deviceId: offlineVictim, subscriber: back },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    const received = (sub: MosquittoSubscriber) =>
      sub.messages.map((m) => `${m.topic} ${m.payload.toString().slice(0, 120)}`);
    const expected = (deviceId: string, i: number) => {
      const c = sentinels[i];
      return [
        `devices/${deviceId}/commands/sentinel ${JSON.stringify({ id: c?.id, params: {}, expiresAt: c?.expiresAt })}`,
      ];
    };
    expect(received(victim)).toEqual(expected(onlineVictim, 0));
    expect(received(back)).toEqual(expected(offlineVictim, 1));
    await back.stop();
    expect(misattributed()).toEqual([]);
    expect(await gatewayHealth(gateway)).toMatchObject({ alive: true, status: 200 });
  }, 300_000);
});
