import { kafkaTopicNames, type TopicKind } from '../../contracts/index.js';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import type { KafkaClientOptions } from './client.js';
import { kafkajsKit } from './kafkajs-kit.js';
import { platformaticKit } from './platformatic-kit.js';
import type { ClientKit, KafkaProducer } from './client-kit.js';
import type { KafkaPort } from './port.js';
import { DEFAULT_MAX_REQUEST_BYTES, type RecordLimits, type RecordMisfit } from './record-limits.js';
import { retryKafkaStartup } from './startup-retry.js';

export type { KafkaProducer } from './client-kit.js';

export interface KafkaConnection {
  port: KafkaPort;
  producer: KafkaProducer;
  topics: Readonly<Record<TopicKind, string>>;
  /** What each topic takes, read from the cluster: it may take smaller records than Kafka's default. */
  limits: RecordLimits;
  /** Disconnects the producer and stops any reader still running. */
  close(): Promise<void>;
}

export interface KafkaBootstrapOptions {
  kafka: Config['kafka'];
  clientId: string;
  logger: Logger;
  /** When given, a record that could never fit is refused before it is sent, and reported here. */
  onMisfit?: (misfit: RecordMisfit) => void;
}

function kitFor(config: Config['kafka'], clientId: string, logger: Logger): ClientKit {
  const options: KafkaClientOptions = {
    clientId,
    brokers: config.brokers,
    connectionTimeoutMs: config.connectionTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  return config.client === 'platformatic' ? platformaticKit(options, logger) : kafkajsKit(options, logger);
}

/** The port alone, for tools that only read (replay). */
export function openKafka(config: Config['kafka'], clientId: string, logger: Logger): KafkaPort {
  return kitFor(config, clientId, logger).port;
}

/**
 * What both processes need of Kafka before anything else: the client, the contract's topics
 * (created when missing), each topic's record size limit, and a connected idempotent producer.
 * Right after topics are created or while a broker starts, admin calls fail retriably; they are
 * retried here.
 */
export async function bootstrapKafka(options: KafkaBootstrapOptions): Promise<KafkaConnection> {
  const { kafka: config, logger } = options;
  const kit = kitFor(config, options.clientId, logger);
  const topics = kafkaTopicNames(config.topicPrefix);
  const created = await retryKafkaStartup(
    'creating topics',
    () =>
      kit.ensureTopics({
        prefix: config.topicPrefix,
        partitions: config.partitions,
        replicationFactor: config.replicationFactor,
      }),
    logger,
  );
  if (created.length > 0) logger.info({ topics: created }, 'created Kafka topics');
  const limits = await retryKafkaStartup(
    'reading record size limits',
    () =>
      kit.readRecordLimits(Object.values(topics), {
        maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES,
        onFallback: (what, error) => logger.warn({ err: error }, `could not read ${what}; using a fallback`),
      }),
    logger,
  );
  const producer = await kit.connectProducer(limits, options.onMisfit);
  logger.info({ client: config.client }, 'Kafka producer connected');
  return {
    port: kit.port,
    producer,
    topics,
    limits,
    close: async () => {
      await producer.disconnect();
      await kit.close();
    },
  };
}
