import { Partitioners, type Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';
import { withAdmin } from './admin.js';
import type { ClientKit, KafkaProducer } from './client-kit.js';
import { withRecordLimits } from './checked-producer.js';
import { createKafka, type KafkaClientOptions } from './client.js';
import { kafkajsPort } from './kafkajs-port.js';
import { producerSink } from './producer-sink.js';
import { readRecordLimits, type RecordLimits, type RecordMisfit } from './record-limits.js';
import { RenewableProducer } from './renewable-producer.js';
import { ensureTopics } from './topics.js';

function connectionTracking(producer: RenewableProducer): Pick<KafkaProducer, 'connected' | 'onConnection'> {
  let connected = false;
  const listeners: ((connected: boolean) => void)[] = [];
  const set = (value: boolean): void => {
    connected = value;
    for (const listener of listeners) listener(value);
  };
  producer.on(producer.events.CONNECT, () => set(true));
  producer.on(producer.events.DISCONNECT, () => set(false));
  return {
    get connected() {
      return connected;
    },
    onConnection: (listener) => listeners.push(listener),
  };
}

async function connectProducer(
  kafka: Kafka,
  logger: Logger,
  limits: RecordLimits,
  onMisfit: ((misfit: RecordMisfit) => void) | undefined,
): Promise<KafkaProducer> {
  const renewable = new RenewableProducer(
    () => {
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      return onMisfit ? withRecordLimits(producer, limits, onMisfit) : producer;
    },
    () =>
      logger.warn('replaced the Kafka producer: a refused batch left its sequence numbers behind the broker'),
  );
  const tracking = connectionTracking(renewable);
  await renewable.connect();
  const sink = producerSink(renewable);
  return {
    send: (records) => sink.send(records),
    get connected() {
      return tracking.connected;
    },
    onConnection: tracking.onConnection,
    disconnect: () => renewable.disconnect(),
  };
}

/** The project's Kafka needs on kafkajs. */
export function kafkajsKit(options: KafkaClientOptions, logger: Logger): ClientKit {
  const kafka = createKafka(options, logger);
  return {
    ensureTopics: (topics) => withAdmin(kafka, (admin) => ensureTopics(admin, topics)),
    readRecordLimits: (topics, limits) =>
      withAdmin(kafka, (admin) => readRecordLimits(admin, topics, limits)),
    connectProducer: (limits, onMisfit) => connectProducer(kafka, logger, limits, onMisfit),
    port: kafkajsPort(kafka),
    // Each reader owns its kafkajs consumer and stops it; nothing else stays open.
    close: () => Promise.resolve(),
  };
}
