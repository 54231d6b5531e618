import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { waitFor } from '../../helpers/wait.js';

describe('gateway graceful shutdown', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;

  beforeAll(async () => {
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-shutdown' });
  });
  afterAll(async () => {
    await gateway?.stop('SIGKILL');
  });

  it('loses none of the acknowledged QoS 1 messages when stopped by SIGTERM mid-stream', async () => {
    const devices = await Promise.all(
      ['sd-1', 'sd-2', 'sd-3'].map((id) => connectDevice(gateway.mqttUrl, id, { reconnectPeriod: 0 })),
    );
    const acked = new Map<string, Set<number>>();
    let running = true;
    const streams = devices.map(async (device) => {
      const id = device.options.clientId ?? '';
      const mine = new Set<number>();
      acked.set(id, mine);
      let seq = 0;
      while (running && device.connected) {
        const batch = Array.from({ length: 20 }, () => seq++).map((n) =>
          device
            .publishAsync(`devices/${id}/telemetry`, JSON.stringify({ seq: n, metrics: { v: n } }), {
              qos: 1,
            })
            .then(() => mine.add(n))
            .catch(() => undefined),
        );
        await Promise.race([Promise.all(batch), new Promise((r) => setTimeout(r, 2000))]);
      }
    });
    await waitFor(() => [...acked.values()].every((s) => s.size > 200), 20_000, 'a steady stream');
    const exit = await gateway.stop('SIGTERM');
    running = false;
    await Promise.all(streams);
    expect(exit).toBe(0);
    expect(gateway.logs.some((l) => l.msg === 'gateway stopped')).toBe(true);

    const collected = await collectTopics(ctx.kafka, [ctx.topics.telemetry]);
    try {
      const total = [...acked.values()].reduce((n, s) => n + s.size, 0);
      await waitFor(() => collected.records.length >= total, 20_000, 'acknowledged records in Kafka');
      for (const [id, seqs] of acked) {
        const inKafka = new Set(
          collected.records.filter((r) => r.key === id).map((r) => r.value.seq as number),
        );
        const missing = [...seqs].filter((s) => !inKafka.has(s));
        expect(missing).toEqual([]);
      }
    } finally {
      await collected.stop();
    }
  });
});
