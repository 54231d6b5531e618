import type { Producer } from 'kafkajs';
import { classifyProduceError } from './errors.js';
import type { OutboundRecord, RecordProducer } from './port.js';
import { RenewableProducer } from './renewable-producer.js';

// Records with one topic and key go to one partition, so a failed request held only that
// partition and kafkajs rewound nothing the broker had appended.
function onePartition(records: readonly OutboundRecord[]): boolean {
  const first = records[0];
  return records.every((r) => r.topic === first?.topic && r.key === first.key);
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
      const byTopic = new Map<
        string,
        { key: string; value: Buffer | null; headers: Record<string, string> }[]
      >();
      for (const r of records) {
        let messages = byTopic.get(r.topic);
        if (!messages) byTopic.set(r.topic, (messages = []));
        messages.push({ key: r.key, value: r.value, headers: r.headers });
      }
      try {
        await (renewable?.current ?? (producer as Producer)).sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (error) {
        const { action } = classifyProduceError(error);
        if (action === 'renew' || (action === 'reject' && !onePartition(records))) stale = true;
        throw error;
      }
    },
  };
}
