import { Partitioners, type Kafka } from 'kafkajs';
import { kafkaTopicNames, type TopicKind } from '../../contracts/index.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { withAdmin } from './admin.js';
import { withRecordLimits } from './checked-producer.js';
import { createKafka } from './client.js';
import { kafkajsPort } from './kafkajs-port.js';
import type { KafkaPort, RecordProducer } from './port.js';
import { producerSink } from './producer-sink.js';
import {
  DEFAULT_MAX_REQUEST_BYTES,
  readRecordLimits,
  type RecordLimits,
  type RecordMisfit,
} from './record-limits.js';
import { RenewableProducer } from './renewable-producer.js';
import { retryKafkaStartup } from './startup-retry.js';
import { ensureTopics } from './topics.js';

/** The process's one idempotent producer. */
export interface KafkaProducer extends RecordProducer {
  readonly connected: boolean;
  /** Told whenever the producer connects (true) or disconnects (false). */
  onConnection(listener: (connected: boolean) => void): void;
  disconnect(): Promise<void>;
}

export interface KafkaConnection {
  port: KafkaPort;
  producer: KafkaProducer;
  topics: Readonly<Record<TopicKind, string>>;
  /** What each topic takes, read from the cluster: it may take smaller records than Kafka's default. */
  limits: RecordLimits;
}

export interface KafkaBootstrapOptions {
  kafka: Config['kafka'];
  clientId: string;
  logger: Logger;
  /** When given, a record that could never fit is refused before it is sent, and reported here. */
  onMisfit?: (misfit: RecordMisfit) => void;
}

function client(config: Config['kafka'], clientId: string, logger: Logger): Kafka {
  return createKafka(
    {
      clientId,
      brokers: config.brokers,
      connectionTimeoutMs: config.connectionTimeoutMs,
      requestTimeoutMs: config.requestTimeoutMs,
    },
    logger,
  );
}

/** The port alone, for tools that only read (replay). */
export function openKafka(config: Config['kafka'], clientId: string, logger: Logger): KafkaPort {
  return kafkajsPort(client(config, clientId, logger));
}

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

/**
 * What both processes need of Kafka before anything else: the client, the contract's topics
 * (created when missing), each topic's record size limit, and a connected idempotent producer.
 * Right after topics are created or while a broker starts, admin calls fail retriably; they are
 * retried here.
 */
export async function bootstrapKafka(options: KafkaBootstrapOptions): Promise<KafkaConnection> {
  const { kafka: config, logger } = options;
  const kafka = client(config, options.clientId, logger);
  const topics = kafkaTopicNames(config.topicPrefix);
  const created = await retryKafkaStartup(
    'creating topics',
    () =>
      withAdmin(kafka, (admin) =>
        ensureTopics(admin, {
          prefix: config.topicPrefix,
          partitions: config.partitions,
          replicationFactor: config.replicationFactor,
        }),
      ),
    logger,
  );
  if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
  const limits = await retryKafkaStartup(
    'reading record size limits',
    () =>
      withAdmin(kafka, (admin) =>
        readRecordLimits(admin, Object.values(topics), {
          maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
          onFallback: (what, error) =>
            logger.warn({ err: error }, `could not read ${what}; using a fallback`),
        }),
      ),
    logger,
  );

  const { onMisfit } = options;
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
  const producer: KafkaProducer = {
    send: (records) => sink.send(records),
    get connected() {
      return tracking.connected;
    },
    onConnection: tracking.onConnection,
    disconnect: () => renewable.disconnect(),
  };
  return { port: kafkajsPort(kafka), producer, topics, limits };
}
