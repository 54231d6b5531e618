import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { localKafkaPid } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

const DEVICES = 12;
const MESSAGES_PER_DEVICE = 150;
const IN_FLIGHT_PER_DEVICE = 10;
// Requests time out while the broker is stopped: a retriable failure the producer retries, and
// which the broker may still answer once it runs again, as a slow broker does.
const REQUEST_TIMEOUT_MS = 1_500;
const PAUSE_MS = 4_000;

/**
 * Publishes seq 1..count in order with `window` QoS 1 messages outstanding; resolves the seqs
 * acknowledged and the longest wait for a PUBACK.
 */
async function publishInOrder(
  device: MqttClient,
  id: string,
  count: number,
  window: number,
): Promise<{ acked: number[]; longestAckMs: number }> {
  const acked: number[] = [];
  let longestAckMs = 0;
  let next = 1;
  const lane = async (): Promise<void> => {
    while (next <= count) {
      const seq = next++;
      const sentAt = Date.now();
      await device.publishAsync(`devices/${id}/telemetry`, JSON.stringify({ seq, metrics: { v: seq } }), {
        qos: 1,
      });
      longestAckMs = Math.max(longestAckMs, Date.now() - sentAt);
      acked.push(seq);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return { acked, longestAckMs };
}

/** Each device's seqs in the order of their offsets in its partition. */
function seqsByDevice(records: readonly CollectedRecord[]): Map<string, number[]> {
  const byDevice = new Map<string, CollectedRecord[]>();
  for (const record of records) {
    const list = byDevice.get(record.key) ?? [];
    list.push(record);
    byDevice.set(record.key, list);
  }
  const seqs = new Map<string, number[]>();
  for (const [device, list] of byDevice) {
    list.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    seqs.set(
      device,
      list.map((r) => r.value.seq as number),
    );
  }
  return seqs;
}

/** The first place where a seq comes before one published earlier; duplicates (at least once) are allowed. */
function firstReordering(seqs: readonly number[]): { at: number; seq: number; after: number } | undefined {
  let highest = 0;
  for (const [at, seq] of seqs.entries()) {
    if (seq < highest && !seqs.slice(0, at).includes(seq)) return { at, seq, after: highest };
    highest = Math.max(highest, seq);
  }
  return undefined;
}

describe.each(['kafkajs', 'platformatic'] as const)(
  'per-device order through retriable produce failures, on %s',
  (client) => {
    const ctx = useTestTopics();
    let gateway: GatewayProcess;
    let kafkaPid = 0;

    beforeAll(async () => {
      kafkaPid = await localKafkaPid();
      gateway = await startGatewayProcess({
        KAFKA_TOPIC_PREFIX: ctx.prefix,
        GATEWAY_ID: `gw-order-${client}`,
        KAFKA_CLIENT: client,
        KAFKA_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      });
    });
    afterAll(async () => {
      // Never leave the shared broker stopped, whatever happened above.
      if (kafkaPid) process.kill(kafkaPid, 'SIGCONT');
      await gateway?.stop();
    });

    it('keeps every acknowledged message, in publish order per device, while the broker stalls twice', async () => {
      const ids = Array.from({ length: DEVICES }, (_, i) => `order-${client}-${i}`);
      const devices = await Promise.all(ids.map((id) => connectDevice(gateway.mqttUrl, id)));
      const stalls = (async () => {
        for (const delayMs of [300, 1_500]) {
          await new Promise((r) => setTimeout(r, delayMs));
          process.kill(kafkaPid, 'SIGSTOP');
          await new Promise((r) => setTimeout(r, PAUSE_MS));
          process.kill(kafkaPid, 'SIGCONT');
        }
      })();
      const published = await Promise.all(
        devices.map((device, i) =>
          publishInOrder(device, ids[i]!, MESSAGES_PER_DEVICE, IN_FLIGHT_PER_DEVICE),
        ),
      );
      await stalls;
      await Promise.all(devices.map((device) => device.endAsync()));
      for (const { acked } of published) expect(acked).toHaveLength(MESSAGES_PER_DEVICE);
      // The stalls held sends in flight past the request timeout: the producer had to retry them.
      expect(Math.max(...published.map((p) => p.longestAckMs))).toBeGreaterThan(REQUEST_TIMEOUT_MS * 2);

      const collected = await collectTopics(ctx.kafka, [ctx.topics.telemetry]);
      try {
        const records = await waitFor(
          () => {
            const seen = new Set(collected.records.map((r) => `${r.key}:${String(r.value.seq)}`));
            return seen.size >= DEVICES * MESSAGES_PER_DEVICE ? collected.records : null;
          },
          30_000,
          'every acknowledged message in Kafka',
        );
        const byDevice = seqsByDevice(records);
        expect([...byDevice.keys()].sort()).toEqual([...ids].sort());
        for (const [device, seqs] of byDevice) {
          expect(new Set(seqs).size, device).toBe(MESSAGES_PER_DEVICE);
          expect(firstReordering(seqs), device).toBeUndefined();
        }
      } finally {
        await collected.stop();
      }
    });
  },
);
