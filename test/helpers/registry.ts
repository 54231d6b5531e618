import type { Kafka, Producer } from 'kafkajs';
import { generateSecret, hashSecret } from '../../common/registry/secrets.js';
import { RegistryWriter } from '../../common/registry/registry-writer.js';
import { producerSink } from '../../common/kafka/producer-sink.js';

/** Provisions devices straight into the registry topic, as any Kafka application may. */
export async function registryWriter(
  kafka: Kafka,
  topic: string,
): Promise<{
  provision(deviceId: string): Promise<string>;
  remove(deviceId: string): Promise<void>;
  producer: Producer;
}> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const writer = new RegistryWriter(producerSink(producer), topic);
  return {
    producer,
    async provision(deviceId) {
      const secret = generateSecret();
      await writer.put({
        deviceId,
        secretHash: await hashSecret(secret),
        createdAt: Date.now(),
        attributes: {},
      });
      return secret;
    },
    remove: (deviceId) => writer.remove(deviceId),
  };
}
