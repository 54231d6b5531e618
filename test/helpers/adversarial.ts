import type { MqttClient } from 'mqtt';
import {
  commandsWildcard,
  deadLetterRecordSchema,
  errorsTopic,
  eventRecordSchema,
  commandStatusRecordSchema,
  telemetryRecordSchema,
  telemetryTopic,
  type CommandRecord,
  type kafkaTopicNames,
} from '../../contracts/index.js';
import type { Kafka, Producer } from 'kafkajs';
import { writeCommand } from './commands.js';
import type { GatewayProcess } from './gateway-process.js';
import { collectTopics, type CollectedRecord } from './kafka.js';
import type { MosquittoSubOptions, MosquittoSubscriber } from './mosquitto.js';
import { connectDevice } from './mqtt.js';
import { waitFor } from './wait.js';

type Topics = ReturnType<typeof kafkaTopicNames>;

/** Rejects with `what` if `promise` has not settled within `ms`; for waits that must not hang a test. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

export interface GatewayHealth {
  /** The process has not exited. */
  alive: boolean;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** HTTP status of /healthz, or null when it did not answer. */
  status: number | null;
  body: unknown;
}

/** Whether the gateway process still runs and what /healthz says, as one value to assert on. */
export async function gatewayHealth(gateway: GatewayProcess): Promise<GatewayHealth> {
  const { exitCode, signalCode } = gateway.child;
  const alive = exitCode === null && signalCode === null;
  const exit = alive ? {} : { exit: { code: exitCode, signal: signalCode } };
  try {
    const response = await fetch(`http://127.0.0.1:${gateway.ports.http}/healthz`, {
      signal: AbortSignal.timeout(5_000),
    });
    return { alive, ...exit, status: response.status, body: await response.json().catch(() => null) };
  } catch (error) {
    return { alive, ...exit, status: null, body: String(error) };
  }
}

/** The last log lines and stderr of a gateway, for a failure message that says why it died or stalled. */
export function lastLogs(gateway: GatewayProcess, n = 4): string {
  const logs = gateway.logs.slice(-n).map((l) => JSON.stringify(l).slice(0, 400));
  const stderr = gateway.stderr().trim().split('\n').slice(0, 8).join('\n');
  return [...logs, ...(stderr ? [`stderr: ${stderr}`] : [])].join('\n');
}

export interface GoodDevice {
  id: string;
  client: MqttClient;
  /** Sequence numbers whose PUBACK arrived. */
  acked: number[];
  /** What the broker sent this device (it subscribes to its own commands and errors and sends only valid telemetry). */
  received: { topic: string; payload: string }[];
}

/**
 * Well-behaved devices (mqtt.js) that publish QoS 1 telemetry with increasing `seq` until stopped,
 * one message in flight each, so that attacks happen in the middle of legitimate traffic.
 */
export class GoodTraffic {
  readonly failures: string[] = [];
  private stopped = false;
  private loops: Promise<void>[] = [];

  private constructor(
    readonly devices: GoodDevice[],
    private readonly options: { pauseMs: number; ackTimeoutMs: number },
  ) {}

  static async start(
    url: string,
    ids: string[],
    options: { pauseMs?: number; ackTimeoutMs?: number } = {},
  ): Promise<GoodTraffic> {
    const devices = await Promise.all(
      ids.map(async (id): Promise<GoodDevice> => {
        const client = await connectDevice(url, id);
        const device: GoodDevice = { id, client, acked: [], received: [] };
        client.on('message', (topic, payload) =>
          device.received.push({ topic, payload: payload.toString() }),
        );
        await client.subscribeAsync([commandsWildcard(id), errorsTopic(id)], { qos: 1 });
        return device;
      }),
    );
    const traffic = new GoodTraffic(devices, {
      pauseMs: options.pauseMs ?? 20,
      ackTimeoutMs: options.ackTimeoutMs ?? 8_000,
    });
    traffic.loops = devices.map((d) => traffic.run(d));
    return traffic;
  }

  private async run(device: GoodDevice): Promise<void> {
    for (let seq = 1; !this.stopped; seq++) {
      const payload = JSON.stringify({ seq, metrics: { good: seq } });
      try {
        await withTimeout(
          device.client.publishAsync(telemetryTopic(device.id), payload, { qos: 1 }),
          this.options.ackTimeoutMs,
          `PUBACK for ${device.id} seq ${seq}`,
        );
        device.acked.push(seq);
      } catch (error) {
        this.failures.push(`${device.id} seq ${seq}: ${(error as Error).message}`);
        return;
      }
      await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  /** True once every device has had `n` more messages acknowledged than now; false after `timeoutMs`. */
  async progress(n: number, timeoutMs = 10_000): Promise<boolean> {
    const base = this.devices.map((d) => d.acked.length);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.devices.every((d, i) => d.acked.length >= (base[i] ?? 0) + n)) return true;
      if (this.failures.length > 0) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  }

  /** Stops publishing and waits for the messages in flight (each bounded by the ack timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Every acknowledged message not (yet) on the telemetry topic under its device's key, as `id#seq`. */
  missingFromKafka(records: CollectedRecord[], topics: Topics): string[] {
    const seen = new Set(
      records.filter((r) => r.topic === topics.telemetry).map((r) => `${r.key}#${String(r.value.seq)}`),
    );
    return this.devices.flatMap((d) => d.acked.map((s) => `${d.id}#${s}`).filter((k) => !seen.has(k)));
  }

  /** Records about the good devices anywhere but where they belong (a dead letter, another key). */
  misplaced(records: CollectedRecord[], topics: Topics): CollectedRecord[] {
    const ids = new Set(this.devices.map((d) => d.id));
    return records.filter(
      (r) =>
        (ids.has(r.key) && r.topic !== topics.telemetry && r.topic !== topics.presence) ||
        (r.topic === topics.telemetry && ids.has(String(r.value.deviceId)) && r.key !== r.value.deviceId),
    );
  }
}

/** Dead letters keyed by `key`, each checked against the contract's dead-letter schema. */
export function deadLettersFor(records: CollectedRecord[], topics: Topics, key: string): CollectedRecord[] {
  return records.filter((r) => r.topic === topics.deadLetter && r.key === key);
}

/** Whether a collected record is valid against the contract schema of the topic it is on. */
export function isValidRecord(record: CollectedRecord, topics: Topics): boolean {
  const schema =
    record.topic === topics.telemetry
      ? telemetryRecordSchema
      : record.topic === topics.events
        ? eventRecordSchema
        : record.topic === topics.commandStatus
          ? commandStatusRecordSchema
          : record.topic === topics.deadLetter
            ? deadLetterRecordSchema
            : undefined;
  return schema?.safeParse(record.value).success ?? false;
}

/** The Kafka evidence for one device's messages: its dead letters (valid, with a reason) and its valid records. */
export function evidenceFor(
  records: CollectedRecord[],
  topics: Topics,
  key: string,
): { deadLetters: CollectedRecord[]; records: CollectedRecord[]; invalid: CollectedRecord[] } {
  const mine = records.filter((r) => r.key === key && r.topic !== topics.presence);
  const invalid = mine.filter((r) => !isValidRecord(r, topics));
  const valid = mine.filter((r) => isValidRecord(r, topics));
  return {
    deadLetters: valid.filter((r) => r.topic === topics.deadLetter),
    records: valid.filter((r) => r.topic !== topics.deadLetter),
    invalid,
  };
}

/** Every topic a gateway writes, collected from the start: what the adversarial suites check. */
export function collectGatewayOutput(kafka: Kafka, topics: Topics): ReturnType<typeof collectTopics> {
  return collectTopics(kafka, [
    topics.telemetry,
    topics.events,
    topics.commandStatus,
    topics.deadLetter,
    topics.presence,
  ]);
}

/** A victim device that holds a persistent session for its own commands and errors. */
export function victimSubscription(clientId: string): MosquittoSubOptions {
  return {
    clientId,
    topics: [commandsWildcard(clientId), errorsTopic(clientId)],
    qos: 1,
    persistent: true,
  };
}

/**
 * Writes one legitimate `sentinel` command to each victim and waits until each has it: a victim
 * that has its sentinel has had everything the gateway sent it before. On a timeout the caller's
 * assertions show what arrived instead.
 */
export async function awaitSentinels(
  producer: Producer,
  commandsTopic: string,
  victims: readonly { deviceId: string; subscriber: MosquittoSubscriber }[],
): Promise<CommandRecord[]> {
  const sentinels = await Promise.all(
    victims.map(({ deviceId }) => writeCommand(producer, commandsTopic, { deviceId, name: 'sentinel' })),
  );
  for (const { subscriber } of victims) {
    await waitFor(() => subscriber.messages.some((m) => m.topic.endsWith('/sentinel')), 15_000).catch(
      () => undefined,
    );
  }
  return sentinels;
}
