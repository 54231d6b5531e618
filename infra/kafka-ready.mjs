// Exits 0 when a Kafka metadata request to the given broker succeeds, 1 otherwise.
import { Kafka, logLevel } from 'kafkajs';

const broker = process.argv[2] ?? '127.0.0.1:9092';
const kafka = new Kafka({
  clientId: 'infra-ready-check',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 2000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
try {
  await admin.connect();
  const cluster = await admin.describeCluster();
  await admin.disconnect();
  process.exit(cluster.brokers.length > 0 ? 0 : 1);
} catch {
  process.exit(1);
}
