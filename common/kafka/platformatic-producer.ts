import {
  Producer,
  compatibilityPartitioner,
  stringSerializer,
  type MessageToProduce,
  type ProducerOptions,
} from '@platformatic/kafka';
import { AppError } from '../errors.js';
import { classifyProduceError, RecordRejectedError } from './errors.js';
import type { OutboundRecord, RecordProducer } from './port.js';
import { describeMisfit, firstMisfit, type RecordLimits, type RecordMisfit } from './record-limits.js';

type RecordMessage = MessageToProduce<string, Buffer | undefined, string, string>;
type RecordProducerClient = Producer<string, Buffer | undefined, string, string>;

export interface PlatformaticProducerOptions {
  clientId: string;
  brokers: string[];
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  /** Attempts of one request inside the client before `send` rejects; the batcher retries after that. */
  retries: number;
  retryDelayMs: { initial: number; max: number };
  /** When given, a send holding a record its topic could never take is refused before anything is sent. */
  recordLimits?: { limits: RecordLimits; onMisfit: (misfit: RecordMisfit) => void };
}

/** An idempotent producer on @platformatic/kafka behind the port, closed with `close`. */
export interface PlatformaticRecordProducer extends RecordProducer {
  /** Whether the current client holds a connection to a broker. */
  readonly connected: boolean;
  /** Told whenever that changes, for whichever client is current. */
  onConnection(listener: (connected: boolean) => void): void;
  /** Reaches the cluster (its metadata) once, so that a start fails when no broker answers. */
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** A produce that failed, with the Kafka protocol error that decided it (`type`), when there was one. */
export class PlatformaticProduceError extends AppError<'produce_failed'> {
  override readonly name = 'PlatformaticProduceError';

  constructor(
    readonly type: string | undefined,
    retriable: boolean,
    cause: unknown,
  ) {
    super('produce_failed', `Kafka produce failed${type === undefined ? '' : ` (${type})`}`, {
      retriable,
      cause,
    });
  }
}

interface ClientErrorShape {
  apiId?: unknown;
  canRetry?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** The first Kafka protocol error in a @platformatic/kafka error tree (`errors` and `cause`), depth first. */
export function protocolErrorOf(error: unknown, depth = 0): { apiId: string; canRetry: boolean } | undefined {
  if (error === null || typeof error !== 'object' || depth > 8) return undefined;
  const shape = error as ClientErrorShape;
  if (typeof shape.apiId === 'string') return { apiId: shape.apiId, canRetry: shape.canRetry !== false };
  const nested = [...(Array.isArray(shape.errors) ? (shape.errors as unknown[]) : []), shape.cause];
  for (const inner of nested) {
    const found = protocolErrorOf(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The error `send` rejects with, in the shape `classifyProduceError` reads: the protocol error as `type`. */
export function produceFailure(error: unknown): PlatformaticProduceError {
  const protocol = protocolErrorOf(error);
  return new PlatformaticProduceError(protocol?.apiId, protocol?.canRetry ?? true, error);
}

// Records of one topic and key go to one partition: a failed request then held only that partition.
function onePartition(records: readonly OutboundRecord[]): boolean {
  const first = records[0];
  return records.every((r) => r.topic === first?.topic && r.key === first.key);
}

/**
 * The client's message for one record: the same key, value and headers as the kafkajs path sends.
 * A copy, because the client writes the chosen `partition` into every message it is handed
 * (`dist/clients/producer/producer.js:672`), and the batcher's records are retried and dead-lettered
 * as they are.
 */
export function toClientMessage(record: OutboundRecord): RecordMessage {
  return {
    topic: record.topic,
    key: record.key,
    value: record.value ?? undefined,
    headers: record.headers,
  };
}

function jitteredBackoff(initial: number, max: number) {
  return (_client: unknown, _operation: string, attempt: number): number =>
    Math.min(max, initial * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
}

export function clientOptions(
  options: PlatformaticProducerOptions,
): ProducerOptions<string, Buffer | undefined, string, string> {
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    connectTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    idempotent: true,
    acks: -1,
    // The client's default partitioner maps keys to other partitions than kafkajs and the Java
    // client; this one is theirs, so a device keeps its partition whichever client wrote it.
    partitioner: compatibilityPartitioner,
    autocreateTopics: false,
    // An idempotent producer left at its default retries forever, also on a programming error.
    retries: Math.max(2, options.retries),
    retryDelay: jitteredBackoff(options.retryDelayMs.initial, options.retryDelayMs.max),
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  };
}

/**
 * Sends each batch as one acks=all request per broker, one send at a time. After a failure that
 * may have left the producer's sequence numbers behind the broker's (a request that failed in
 * part appends some partitions but advances none), the next send first takes a new producer id,
 * as the kafkajs path replaces its producer.
 *
 * One at a time because the client numbers a request's records when it encodes them
 * (`dist/protocol/records.js:80-82`) but advances a partition's sequence only when the answer
 * comes (`dist/clients/producer/producer.js:712`): two sends to one partition in flight together
 * carry the same sequence, and the broker acknowledges the second as a duplicate of the first
 * without appending it. Its records would be lost although acknowledged.
 */
export function platformaticProducer(options: PlatformaticProducerOptions): PlatformaticRecordProducer {
  let connected = false;
  const listeners: ((connected: boolean) => void)[] = [];
  const setConnected = (value: boolean): void => {
    if (value === connected) return;
    connected = value;
    for (const listener of listeners) listener(value);
  };
  const create = (): RecordProducerClient => {
    const made: RecordProducerClient = new Producer(clientOptions(options));
    // A retired client's connections closing is no news about the current one.
    made.on('client:broker:connect', () => {
      if (made === client) setConnected(true);
    });
    made.on('client:broker:disconnect', () => {
      if (made === client) setConnected(made.isConnected());
    });
    return made;
  };
  let client = create();
  let stale = false;
  let queue: Promise<unknown> = Promise.resolve();
  const refuseMisfits = (records: readonly OutboundRecord[]): void => {
    const check = options.recordLimits;
    const misfit = check && firstMisfit(records, check.limits);
    if (!misfit || !check) return;
    check.onMisfit(misfit);
    throw new RecordRejectedError(misfit.topic, 'RECORD_TOO_LARGE', describeMisfit(misfit));
  };
  return {
    get connected() {
      return connected;
    },
    onConnection: (listener) => listeners.push(listener),
    connect: async () => {
      await client.metadata({ topics: [] });
    },
    send(records) {
      const sent = queue.then(() => sendNow(records));
      queue = sent.catch(() => undefined);
      return sent;
    },
    close: () => queue.then(() => client.close()),
  };

  async function sendNow(records: readonly OutboundRecord[]): Promise<void> {
    refuseMisfits(records);
    if (stale) {
      const previous = client;
      client = create();
      stale = false;
      await previous.close().catch(() => undefined);
    }
    try {
      await client.send({ messages: records.map(toClientMessage) });
    } catch (error) {
      const failure = produceFailure(error);
      const { action } = classifyProduceError(failure);
      if (action === 'renew' || (action === 'reject' && !onePartition(records))) stale = true;
      throw failure;
    }
  }
}
