import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterEach } from 'vitest';

const open = new Set<MqttClient>();

/** Connects an mqtt.js client and closes it after the test. */
export async function connectDevice(
  url: string,
  clientId: string,
  options: IClientOptions = {},
): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId, reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  open.add(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', (connack) => {
      sessionsPresent.set(client, connack.sessionPresent);
      resolve();
    });
    client.once('error', reject);
    client.once('close', () => reject(new Error(`connection of ${clientId} closed before CONNACK`)));
  });
  return client;
}

const sessionsPresent = new WeakMap<MqttClient, boolean>();

/** The `sessionPresent` flag of the CONNACK that connectDevice() waited for. */
export function sessionPresentOf(client: MqttClient): boolean | undefined {
  return sessionsPresent.get(client);
}

afterEach(async () => {
  await Promise.all([...open].map((c) => c.endAsync(true).catch(() => undefined)));
  open.clear();
});

export function messagesOn(client: MqttClient, topic: string): { topic: string; payload: Buffer }[] {
  const seen: { topic: string; payload: Buffer }[] = [];
  client.on('message', (t, payload) => {
    if (t === topic) seen.push({ topic: t, payload });
  });
  return seen;
}

/** The SUBACK return codes for `topics`; mqtt.js reports any 0x80 as an error, which is what we look at. */
export async function subscribeReturnCodes(
  client: MqttClient,
  topics: string[],
  qos: 0 | 1 = 1,
): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(topics, { qos });
    return granted.map((g) => g.qos);
  } catch (error) {
    const packet = (error as { packet?: { granted?: number[] } }).packet;
    if (!packet?.granted) throw error;
    return packet.granted;
  }
}
