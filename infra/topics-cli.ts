// npm run topics — create every Kafka topic of the contract that is missing (idempotent).
import { loadConfigOrExit } from '../config/index.js';
import { createLogger } from '../common/logger.js';
import { createKafka } from '../common/kafka/client.js';
import { ensureTopics, planTopics } from '../common/kafka/topics.js';

const config = loadConfigOrExit();
const logger = createLogger('topics', config.log.level);
const kafka = createKafka(
  {
    clientId: config.kafka.clientId ?? 'topic-bootstrap',
    brokers: config.kafka.brokers,
    connectionTimeoutMs: config.kafka.connectionTimeoutMs,
    requestTimeoutMs: config.kafka.requestTimeoutMs,
  },
  logger,
);
const admin = kafka.admin();
try {
  await admin.connect();
  const options = {
    prefix: config.kafka.topicPrefix,
    partitions: config.kafka.partitions,
    replicationFactor: config.kafka.replicationFactor,
  };
  const created = await ensureTopics(admin, options);
  for (const plan of planTopics(options)) {
    const state = created.includes(plan.topic) ? 'created' : 'exists';
    process.stdout.write(`${state.padEnd(8)} ${plan.topic}\n`);
  }
  await admin.disconnect();
} catch (error) {
  logger.fatal({ err: error }, 'topic bootstrap failed');
  process.exit(1);
}
