import type { ClientKit, KafkaProducer } from './client-kit.js';
import type { KafkaClientOptions } from './client.js';
import { ensureTopics, readRecordLimits, withPlatformaticAdmin } from './platformatic-admin.js';
import { platformaticPort } from './platformatic-port.js';
import { platformaticProducer } from './platformatic-producer.js';
import type { RecordLimits, RecordMisfit } from './record-limits.js';
import { retryKafkaStartup } from './startup-retry.js';
import type { Logger } from '../logger.js';

// The client's own attempts at one produce request; the batcher retries a batch after them, as
// it does after kafkajs's.
const PRODUCE_RETRIES = 3;

async function connectProducer(
  options: KafkaClientOptions,
  logger: Logger,
  limits: RecordLimits,
  onMisfit: ((misfit: RecordMisfit) => void) | undefined,
): Promise<KafkaProducer> {
  const producer = platformaticProducer({
    ...options,
    retries: PRODUCE_RETRIES,
    retryDelayMs: { initial: 100, max: 5_000 },
    ...(onMisfit ? { recordLimits: { limits, onMisfit } } : {}),
  });
  await retryKafkaStartup('connecting the producer', () => producer.connect(), logger);
  return {
    send: (records) => producer.send(records),
    get connected() {
      return producer.connected;
    },
    onConnection: (listener) => producer.onConnection(listener),
    disconnect: () => producer.close(),
  };
}

/** The project's Kafka needs on @platformatic/kafka. */
export function platformaticKit(options: KafkaClientOptions, logger: Logger): ClientKit {
  const port = platformaticPort(options);
  return {
    ensureTopics: (topics) => withPlatformaticAdmin(options, (admin) => ensureTopics(admin, topics)),
    readRecordLimits: (topics, limits) =>
      withPlatformaticAdmin(options, (admin) => readRecordLimits(admin, topics, limits)),
    connectProducer: (limits, onMisfit) => connectProducer(options, logger, limits, onMisfit),
    port,
    close: () => port.close(),
  };
}
