import type { Message } from '@platformatic/kafka';
import type { HeaderValue } from '../../contracts/index.js';
import type { RecordMessage } from './port.js';

type MaybeBytes = Buffer | undefined;

/**
 * A record as the client hands it over with the project's deserializers (`keepBytes`): Kafka's
 * null key or value arrives as undefined, an empty one as an empty Buffer. The client's `Message`
 * makes key and value `Required`, which would hide the undefined.
 */
export type ClientMessage = Omit<Message<MaybeBytes, MaybeBytes, MaybeBytes, MaybeBytes>, 'key' | 'value'> & {
  key: MaybeBytes;
  value: MaybeBytes;
};

/** The bytes as they are: the readers decode keys, values and headers themselves. */
export function keepBytes(data?: Buffer): Buffer | undefined {
  return data;
}

/**
 * The headers as kafkajs gives them, which the readers expect: names as strings, values as Buffers,
 * and a name that occurs more than once as an array of its values in order. The client keys its
 * map by the header-name Buffers, so repeated names stay separate entries until here.
 */
export function recordHeaders(headers: ClientMessage['headers']): Record<string, HeaderValue> {
  const byName = new Map<string, HeaderValue>();
  for (const [rawName, value] of headers) {
    const name = rawName?.toString() ?? '';
    if (!byName.has(name)) {
      byName.set(name, value);
      continue;
    }
    // An absent (null) value has no place in a list of values.
    const values = [byName.get(name), value].flat().filter((v): v is string | Buffer => v !== undefined);
    byName.set(name, values);
  }
  // Own properties, also for a header named "__proto__".
  return Object.fromEntries(byName);
}

/** One record in the port's terms: null for Kafka's null key or value (a tombstone), the offset in decimal. */
export function recordMessage(message: ClientMessage): RecordMessage {
  return {
    key: message.key ?? null,
    value: message.value ?? null,
    headers: recordHeaders(message.headers),
    offset: message.offset.toString(),
  };
}

/** The group generation a record was fetched in, which the client notes in its metadata. */
export function generationOf(message: ClientMessage): number | undefined {
  const consumer = message.metadata.consumer;
  if (typeof consumer !== 'object' || consumer === null) return undefined;
  const generation = (consumer as { generationId?: unknown }).generationId;
  return typeof generation === 'number' ? generation : undefined;
}

/** Records of one partition fetched in one group generation, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  generation: number | undefined;
  messages: ClientMessage[];
}

/**
 * Cuts what the client delivered into one batch a partition (and generation, since after a rejoin
 * the client fetches a partition again from its committed offset), in the order each first came.
 * Pure, so it is unit tested.
 */
export function partitionBatches(messages: readonly ClientMessage[]): PartitionBatch[] {
  const batches = new Map<string, PartitionBatch>();
  for (const message of messages) {
    const generation = generationOf(message);
    const key = `${message.topic}:${message.partition}:${generation}`;
    let batch = batches.get(key);
    if (batch === undefined) {
      batch = { topic: message.topic, partition: message.partition, generation, messages: [] };
      batches.set(key, batch);
    }
    batch.messages.push(message);
  }
  return [...batches.values()];
}
