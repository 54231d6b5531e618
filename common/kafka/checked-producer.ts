import type { Message, Producer, ProducerBatch, ProducerRecord } from 'kafkajs';
import { RecordRejectedError } from './errors.js';
import {
  describeMisfit,
  encodedMessageBytes,
  misfitOf,
  type RecordLimits,
  type RecordMisfit,
} from './record-limits.js';

/**
 * A producer that refuses, before anything is sent, a message its topic could never take: it
 * throws `RecordRejectedError` (not retriable, reason `RECORD_TOO_LARGE`) for the whole send.
 * Kafka would answer MESSAGE_TOO_LARGE, and a request refused in part leaves an idempotent
 * producer's sequence numbers behind the broker's for the partitions it did append.
 */
export function withRecordLimits(
  producer: Producer,
  limits: RecordLimits,
  onRefused: (misfit: RecordMisfit) => void = () => undefined,
): Producer {
  const check = (topic: string, messages: readonly Message[]): void => {
    for (const message of messages) {
      const misfit = misfitOf(topic, encodedMessageBytes(message), limits);
      if (!misfit) continue;
      onRefused(misfit);
      throw new RecordRejectedError(topic, 'RECORD_TOO_LARGE', describeMisfit(misfit));
    }
  };
  return {
    ...producer,
    send: (record: ProducerRecord) =>
      Promise.resolve().then(() => {
        check(record.topic, record.messages);
        return producer.send(record);
      }),
    sendBatch: (batch: ProducerBatch) =>
      Promise.resolve().then(() => {
        for (const { topic, messages } of batch.topicMessages ?? []) check(topic, messages);
        return producer.sendBatch(batch);
      }),
  };
}
