import type { Producer, TopicMessages } from 'kafkajs';
import { classifyProduceError } from './errors.js';
import type { OutboundRecord, RecordProducer } from './port.js';
import { RenewableProducer } from './renewable-producer.js';

// Records with one topic and key go to one partition, so a failed request held only that
// partition and kafkajs rewound nothing the broker had appended.
function onePartition(records: readonly OutboundRecord[]): boolean {
  const first = records[0];
  return records.every((r) => r.topic === first?.topic && r.key === first.key);
}

// The records go to kafkajs as they are (it reads key, value and headers and ignores the topic):
// no copy per record, and none of the batch when all of it has one topic, as it mostly has.
function byTopic(records: readonly OutboundRecord[]): TopicMessages[] {
  const first = records[0];
  if (first === undefined) return [];
  if (records.every((r) => r.topic === first.topic)) return [{ topic: first.topic, messages: [...records] }];
  const grouped = new Map<string, OutboundRecord[]>();
  for (const r of records) {
    let messages = grouped.get(r.topic);
    if (!messages) grouped.set(r.topic, (messages = []));
    messages.push(r);
  }
  return [...grouped].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Sends a batch as one acks=all request per broker, grouped by topic. Given a
 * `RenewableProducer`, it replaces the producer before the next send whenever a failure may have
 * left its sequence numbers behind the brokers' (see `RenewableProducer`).
 */
export function producerSink(producer: Producer | RenewableProducer): RecordProducer {
  const renewable = producer instanceof RenewableProducer ? producer : undefined;
  let stale = false;
  return {
    async send(records: readonly OutboundRecord[]): Promise<void> {
      if (renewable && stale) {
        await renewable.renew();
        stale = false;
      }
      try {
        await (renewable?.current ?? (producer as Producer)).sendBatch({
          acks: -1,
          topicMessages: byTopic(records),
        });
      } catch (error) {
        const { action } = classifyProduceError(error);
        if (action === 'renew' || (action === 'reject' && !onePartition(records))) stale = true;
        throw error;
      }
    },
  };
}
