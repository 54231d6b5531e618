import kafkajs, { type Admin, type Message } from 'kafkajs';
import type { OutboundRecord } from './port.js';

// Node's detection of CommonJS named exports misses this one of kafkajs's.
const { ConfigResourceTypes } = kafkajs;

/** Kafka's default `message.max.bytes` (1 MiB plus the 12-byte log overhead). */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** kafkajs has no request size setting; this is the Java producer's `max.request.size` default. */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

// Kafka applies max.message.bytes to a whole record batch (magic v2), whose header is 61 bytes.
export const RECORD_BATCH_OVERHEAD = 61;
// A produce request (v7) around one partition's batch: size, header and client id, transactional
// id, acks, timeout, array lengths, partition, batch length: about 40 bytes plus the client id
// (at most 136 characters here), then the topic name, counted separately.
const PRODUCE_REQUEST_OVERHEAD = 512;
// Timestamp and offset deltas are varints whose value the encoder picks; 5 bytes each cover
// deltas below 2^34 ms and 2^34 records.
const DELTAS_BOUND = 10;

/** What Kafka accepts from this producer, read once at start-up. */
export interface RecordLimits {
  /** The largest record batch `topic` takes: its `max.message.bytes`. */
  maxMessageBytes(topic: string): number;
  /** The largest produce request this producer sends. */
  readonly maxRequestBytes: number;
}

/** Why a record can never be sent as it is. */
export interface RecordMisfit {
  topic: string;
  /** The record batch holding only this record, in bytes. */
  bytes: number;
  limit: number;
  /** Which limit: the topic's `max.message.bytes` or the producer's request size. */
  by: 'topic' | 'request';
}

export function recordLimits(
  perTopic: ReadonlyMap<string, number>,
  options: { fallbackMaxMessageBytes: number; maxRequestBytes: number },
): RecordLimits {
  return {
    maxMessageBytes: (topic) => perTopic.get(topic) ?? options.fallbackMaxMessageBytes,
    maxRequestBytes: options.maxRequestBytes,
  };
}

function varintBytes(n: number): number {
  // Kafka's record varints are zigzag encoded: a length n >= 0 becomes 2n.
  let v = n * 2;
  let bytes = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

function sizedBytes(length: number): number {
  return varintBytes(length) + length;
}

function headerBytes(headers: Readonly<Record<string, string>>): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const name in headers) {
    count++;
    bytes += sizedBytes(Buffer.byteLength(name)) + sizedBytes(Buffer.byteLength(headers[name]!));
  }
  return { count, bytes };
}

// The uplink shares one frozen headers object among all records of a device and kind, and each
// record is measured up to three times on its way (refused whole, queued, sent): frozen headers
// are measured once.
const frozenHeaderBytes = new WeakMap<object, { count: number; bytes: number }>();

function measuredHeaders(headers: Readonly<Record<string, string>>): { count: number; bytes: number } {
  if (!Object.isFrozen(headers)) return headerBytes(headers);
  let measured = frozenHeaderBytes.get(headers);
  if (measured === undefined) frozenHeaderBytes.set(headers, (measured = headerBytes(headers)));
  return measured;
}

/**
 * Bytes `record` takes inside a record batch (magic v2): an upper bound, exact but for the
 * timestamp and offset deltas. It runs for every record the gateway sends.
 */
export function encodedRecordBytes(record: OutboundRecord): number {
  const headers = measuredHeaders(record.headers);
  const body =
    1 +
    DELTAS_BOUND +
    sizedBytes(Buffer.byteLength(record.key)) +
    sizedBytes(record.value?.length ?? 0) +
    headers.bytes +
    varintBytes(headers.count);
  return varintBytes(body) + body;
}

/** The same bound for a kafkajs message, whose key, value and headers may be strings or buffers. */
export function encodedMessageBytes(message: Message): number {
  let body =
    1 +
    DELTAS_BOUND +
    sizedBytes(Buffer.byteLength(message.key ?? '')) +
    sizedBytes(Buffer.byteLength(message.value ?? ''));
  let headers = 0;
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value ?? '']) {
      headers++;
      body += sizedBytes(Buffer.byteLength(name)) + sizedBytes(Buffer.byteLength(one));
    }
  }
  body += varintBytes(headers);
  return varintBytes(body) + body;
}

/** Why a record for `topic` cannot be sent, given that it takes `bytes` (see `encodedRecordBytes`); pure. */
export function misfitOf(topic: string, bytes: number, limits: RecordLimits): RecordMisfit | undefined {
  const batch = RECORD_BATCH_OVERHEAD + bytes;
  const topicLimit = limits.maxMessageBytes(topic);
  if (batch > topicLimit) return { topic, bytes: batch, limit: topicLimit, by: 'topic' };
  const request = batch + PRODUCE_REQUEST_OVERHEAD + Buffer.byteLength(topic);
  if (request > limits.maxRequestBytes)
    return { topic, bytes: batch, limit: limits.maxRequestBytes, by: 'request' };
  return undefined;
}

// A bound on encodedRecordBytes that measures no string: UTF-8 takes at most 3 bytes per UTF-16
// unit, and no length varint takes more than 5 bytes.
function quickUpperBound(record: OutboundRecord): number {
  let chars = record.key.length;
  let headers = 0;
  for (const name in record.headers) {
    headers++;
    chars += name.length + record.headers[name]!.length;
  }
  return 1 + DELTAS_BOUND + (record.value?.length ?? 0) + 3 * chars + 5 * (4 + 2 * headers);
}

/** Why `record` cannot be sent (too large for its topic or for one request); undefined when it fits. */
export function recordMisfit(record: OutboundRecord, limits: RecordLimits): RecordMisfit | undefined {
  // Most records are far below the limits, and this runs for every record a device sends.
  if (!misfitOf(record.topic, quickUpperBound(record), limits)) return undefined;
  return misfitOf(record.topic, encodedRecordBytes(record), limits);
}

/** The first of `records` that cannot be sent, for refusing a device message as a whole. */
export function firstMisfit(
  records: readonly OutboundRecord[],
  limits: RecordLimits,
): RecordMisfit | undefined {
  for (const record of records) {
    const misfit = recordMisfit(record, limits);
    if (misfit) return misfit;
  }
  return undefined;
}

export function describeMisfit(misfit: RecordMisfit): string {
  const limit =
    misfit.by === 'topic'
      ? `${misfit.topic} takes at most ${misfit.limit} (max.message.bytes)`
      : `a produce request holds at most ${misfit.limit}`;
  return `the Kafka record would be ${misfit.bytes} bytes; ${limit}`;
}

/**
 * The largest number of record bytes (as `encodedRecordBytes` counts them) one batched send may
 * hold so that each partition's record batch fits every one of `topics`.
 */
export function batchBytesFor(topics: readonly string[], limits: RecordLimits, ceiling: number): number {
  let smallest = limits.maxRequestBytes - PRODUCE_REQUEST_OVERHEAD;
  for (const topic of topics) smallest = Math.min(smallest, limits.maxMessageBytes(topic));
  return Math.max(1, Math.min(ceiling, smallest - RECORD_BATCH_OVERHEAD));
}

/** What reading the limits needs of one client's admin API. */
export interface LimitsSource {
  /** `max.message.bytes` of each of `topics`, as Kafka states it; rejects when any of them cannot be described. */
  topicMaxMessageBytes(topics: readonly string[]): Promise<ReadonlyMap<string, string | null>>;
  /** `message.max.bytes` of one broker of the cluster; undefined when there is none to ask. */
  brokerMessageMaxBytes(): Promise<string | null | undefined>;
}

function positiveInteger(value: string | null | undefined): number | undefined {
  const n = Number(value ?? undefined);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function configValues(
  resources: { resourceName: string; configEntries: { configName: string; configValue: string }[] }[],
  configName: string,
): Map<string, string> {
  const values = new Map<string, string>();
  for (const r of resources) {
    const entry = r.configEntries.find((e) => e.configName === configName);
    if (entry) values.set(r.resourceName, entry.configValue);
  }
  return values;
}

function kafkajsLimits(admin: Admin): LimitsSource {
  return {
    async topicMaxMessageBytes(topics) {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['max.message.bytes'],
        })),
      });
      return configValues(resources, 'max.message.bytes');
    },
    async brokerMessageMaxBytes() {
      const { brokers } = await admin.describeCluster();
      const broker = brokers[0];
      if (!broker) return undefined;
      const name = String(broker.nodeId);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.BROKER, name, configNames: ['message.max.bytes'] }],
      });
      return configValues(resources, 'message.max.bytes').get(name);
    },
  };
}

export interface ReadLimitsOptions {
  maxRequestBytes: number;
  /** Told when a limit could not be read and a fallback is used instead. */
  onFallback?: (what: string, error: unknown) => void;
}

/**
 * Reads each topic's `max.message.bytes` from `source`, so that a cluster configured lower than
 * Kafka's default is honoured; topics it cannot read get the broker's `message.max.bytes`, or else
 * Kafka's default. The same for every client: only `source` speaks to one.
 */
export async function readRecordLimitsFrom(
  source: LimitsSource,
  topics: readonly string[],
  options: ReadLimitsOptions,
): Promise<RecordLimits> {
  const perTopic = new Map<string, number>();
  const read = async (some: readonly string[]): Promise<void> => {
    const values = await source.topicMaxMessageBytes(some);
    for (const topic of some) {
      const value = positiveInteger(values.get(topic));
      if (value !== undefined) perTopic.set(topic, value);
    }
  };
  try {
    await read(topics);
  } catch {
    // One topic that cannot be described fails the whole request: read the others one by one.
    for (const topic of topics) {
      await read([topic]).catch((error: unknown) =>
        options.onFallback?.(`max.message.bytes of ${topic}`, error),
      );
    }
  }
  let fallback = KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  if (perTopic.size < topics.length) {
    try {
      fallback = positiveInteger(await source.brokerMessageMaxBytes()) ?? fallback;
    } catch (error) {
      options.onFallback?.('message.max.bytes of the broker', error);
    }
  }
  return recordLimits(perTopic, {
    fallbackMaxMessageBytes: fallback,
    maxRequestBytes: options.maxRequestBytes,
  });
}

/** `readRecordLimitsFrom` over a kafkajs admin client. */
export function readRecordLimits(
  admin: Admin,
  topics: readonly string[],
  options: ReadLimitsOptions,
): Promise<RecordLimits> {
  return readRecordLimitsFrom(kafkajsLimits(admin), topics, options);
}
