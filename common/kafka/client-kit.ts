import type { KafkaPort, RecordProducer } from './port.js';
import type { ReadLimitsOptions, RecordLimits, RecordMisfit } from './record-limits.js';
import type { TopicBootstrapOptions } from './topics.js';

/** The process's one idempotent producer. */
export interface KafkaProducer extends RecordProducer {
  readonly connected: boolean;
  /** Told whenever the producer connects (true) or disconnects (false). */
  onConnection(listener: (connected: boolean) => void): void;
  disconnect(): Promise<void>;
}

/** What a process needs of one Kafka client library (`KAFKA_CLIENT`). */
export interface ClientKit {
  /** Creates the topics that are missing; resolves the names it created. */
  ensureTopics(options: TopicBootstrapOptions): Promise<string[]>;
  readRecordLimits(topics: readonly string[], options: ReadLimitsOptions): Promise<RecordLimits>;
  connectProducer(limits: RecordLimits, onMisfit?: (misfit: RecordMisfit) => void): Promise<KafkaProducer>;
  port: KafkaPort;
  /** Stops whatever the port started and still runs, at the very end of a process's stop. */
  close(): Promise<void>;
}
