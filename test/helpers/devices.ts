import type { IClientOptions, MqttClient } from 'mqtt';
import { commandResultsTopic, commandsWildcard } from '../../contracts/index.js';
import { connectDevice } from './mqtt.js';

export interface ReceivedCommand {
  topic: string;
  id: string;
}

export interface TestDevice {
  client: MqttClient;
  received: ReceivedCommand[];
}

/**
 * An mqtt.js device subscribed to its commands at QoS 1. It answers each with `answer` (a result
 * status) or, with `answer: null`, receives and acknowledges commands without answering.
 */
export async function commandDevice(
  url: string,
  deviceId: string,
  answer: 'succeeded' | 'failed' | 'rejected' | null = 'succeeded',
  options: IClientOptions = {},
): Promise<TestDevice> {
  const client = await connectDevice(url, deviceId, options);
  const received: ReceivedCommand[] = [];
  client.on('message', (topic, payload) => {
    const { id } = JSON.parse(payload.toString()) as { id: string };
    received.push({ topic, id });
    if (answer === null) return;
    client
      .publishAsync(commandResultsTopic(deviceId), JSON.stringify({ id, status: answer }), { qos: 1 })
      .catch(() => undefined);
  });
  await client.subscribeAsync(commandsWildcard(deviceId), { qos: 1 });
  return { client, received };
}
