import type { Producer } from 'kafkajs';
import type { OutRecord, RecordSink } from './record-batcher.js';

/** Sends a batch as one acks=all request per broker, grouped by topic. */
export function producerSink(producer: Producer): RecordSink {
  return {
    async send(records: readonly OutRecord[]): Promise<void> {
      const byTopic = new Map<string, { key: string; value: Buffer; headers: Record<string, string> }[]>();
      for (const r of records) {
        let messages = byTopic.get(r.topic);
        if (!messages) byTopic.set(r.topic, (messages = []));
        messages.push({ key: r.key, value: r.value, headers: r.headers });
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    },
  };
}
