import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import { telemetryTopic } from '../contracts/index.js';

export interface BenchDevice {
  id: string;
  client: MqttClient;
  topic: string;
  seq: number;
  /** QoS 1 messages published and not acknowledged yet. */
  outstanding: number;
}

/** Device ids `{tag}-0` ... `{tag}-{count-1}`: the tag tells the records of one phase apart in Kafka. */
export function deviceIds(tag: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${tag}-${i}`);
}

/** The phase tag of a device id made by deviceIds(). */
export function tagOf(deviceId: string): string {
  const dash = deviceId.indexOf('-');
  return dash < 0 ? deviceId : deviceId.slice(0, dash);
}

/**
 * A telemetry message of nearly constant size (about 95 bytes); `ts` is the device's send time,
 * which the gateway copies into the Kafka record, so a consumer can measure device-to-consumer time.
 */
export function telemetryPayload(seq: number, sentAtMs: number): string {
  const temperature = (40 + (seq % 100) / 10).toFixed(2);
  const vibration = (0.25 + (seq % 7) / 100).toFixed(3);
  return `{"seq":${seq},"ts":${sentAtMs},"metrics":{"temperature":${temperature},"vibration":${vibration},"current":12.5}}`;
}

/**
 * Turns Nagle's algorithm off on a client's TCP socket, as the gateway does on its side: otherwise
 * a device's next small packet waits up to the peer's delayed ACK (40 ms on Linux) whenever the
 * gateway has nothing to send back, as with QoS 0, which would be measured as gateway latency.
 */
export function noDelay(client: MqttClient): MqttClient {
  if (client.stream instanceof Socket) client.stream.setNoDelay(true);
  return client;
}

function connectOne(url: string, id: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = noDelay(
      mqtt.connect(url, {
        clientId: id,
        reconnectPeriod: 0,
        keepalive: 60,
        connectTimeout: 30_000,
      }),
    );
    client.on('error', () => undefined); // after CONNACK a failure shows as failed publishes instead
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** Connects one mqtt.js client per id, `concurrency` connects at a time; all or none. */
export async function connectDevices(url: string, ids: string[], concurrency = 50): Promise<BenchDevice[]> {
  const devices: BenchDevice[] = [];
  try {
    for (let i = 0; i < ids.length; i += concurrency) {
      const batch = ids.slice(i, i + concurrency);
      const settled = await Promise.allSettled(batch.map((id) => connectOne(url, id)));
      settled.forEach((s, j) => {
        const id = batch[j] ?? '';
        if (s.status === 'fulfilled') {
          devices.push({ id, client: s.value, topic: telemetryTopic(id), seq: 0, outstanding: 0 });
        }
      });
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw new Error(`device connect failed: ${String(failed.reason)}`);
    }
    return devices;
  } catch (error) {
    await closeDevices(devices);
    throw error;
  }
}

/** Disconnects cleanly (the gateway sees DISCONNECT), forcing a client that takes over `timeoutMs`. */
export async function closeDevices(devices: BenchDevice[], timeoutMs = 10_000): Promise<void> {
  await Promise.all(
    devices.map(async ({ client }) => {
      const ended = await Promise.race([
        client.endAsync().then(
          () => true,
          () => true,
        ),
        sleep(timeoutMs, false, { ref: false }),
      ]);
      if (!ended) client.end(true);
    }),
  );
}
