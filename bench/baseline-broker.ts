// A baseline broker for the limits scenario, run as its own process (`BASELINE=bare|bridge`):
// bare aedes with no hooks, or the minimal bridge (bare aedes plus one authorizePublish hook that
// produces each publish to Kafka and lets the PUBACK wait for Kafka's acknowledgement), whose
// producer is kafkajs or @platformatic/kafka (`BRIDGE_CLIENT`), both idempotent with acks=all. Prints
// {"msg":"baseline listening","port":N} on stdout once it accepts connections.
import { once } from 'node:events';
import { createServer } from 'node:net';
import {
  Producer as PlatformaticProducer,
  compatibilityPartitioner,
  stringSerializer,
} from '@platformatic/kafka';
import { Aedes } from 'aedes';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { bridgeHeaders, bridgeMessage, type BridgeMessage } from './bridge-record.js';
import { SerialBatcher } from './serial-batcher.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const kind = env('BASELINE');

async function bridgeProducer(
  client: string,
  clientId: string,
  brokers: string[],
  topic: string,
): Promise<(messages: BridgeMessage[]) => Promise<void>> {
  if (client === 'platformatic') {
    const producer = new PlatformaticProducer({
      clientId,
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: -1,
      partitioner: compatibilityPartitioner,
      autocreateTopics: false,
      serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
    });
    return async (messages) => {
      await producer.send({ messages: messages.map((m) => ({ ...m, topic })) });
    };
  }
  if (client !== 'kafkajs') throw new Error(`BRIDGE_CLIENT must be kafkajs or platformatic, not ${client}`);
  const kafka = new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return async (messages) => {
    await producer.send({ topic, acks: -1, messages });
  };
}
const broker = await Aedes.createBroker();

if (kind === 'bridge') {
  const topic = env('BRIDGE_TOPIC');
  const gatewayId = env('GATEWAY_ID', 'gw-minimal-bridge');
  const brokers = env('KAFKA_BROKERS', '127.0.0.1:9092').split(',');
  const send = await bridgeProducer(env('BRIDGE_CLIENT', 'kafkajs'), gatewayId, brokers, topic);
  const batcher = new SerialBatcher<BridgeMessage>(
    send,
    Number(env('MAX_BATCH_RECORDS', '500')),
    Number(env('LINGER_MS', '5')),
  );
  const headers = new Map<string, Record<string, string>>();
  broker.authorizePublish = (client, packet, callback) => {
    const deviceId = client?.id ?? '';
    let deviceHeaders = headers.get(deviceId);
    if (!deviceHeaders) headers.set(deviceId, (deviceHeaders = bridgeHeaders(deviceId, gatewayId)));
    batcher.add(bridgeMessage(deviceId, packet.payload, Date.now(), deviceHeaders), (error) =>
      callback(error ?? null),
    );
  };
}

const server = createServer((socket) => {
  // As the gateway does on device sockets.
  socket.setNoDelay(true);
  broker.handle(socket);
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const address = server.address();
process.stdout.write(
  `${JSON.stringify({ msg: 'baseline listening', kind, port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
process.once('SIGTERM', () => process.exit(0));
