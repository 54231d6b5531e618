import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { collectTopics, useTestTopics, type CollectedRecord } from '../../helpers/kafka.js';
import { connectDevice } from '../../helpers/mqtt.js';
import { localKafkaPid } from '../../helpers/processes.js';
import { waitFor } from '../../helpers/wait.js';

describe('gateway while Kafka is paused', () => {
  const ctx = useTestTopics();
  let gateway: GatewayProcess;
  let kafkaPid = 0;

  beforeAll(async () => {
    kafkaPid = await localKafkaPid();
    gateway = await startGatewayProcess({ KAFKA_TOPIC_PREFIX: ctx.prefix, GATEWAY_ID: 'gw-outage' });
  });
  afterAll(async () => {
    // Never leave the shared broker stopped, whatever happened above.
    if (kafkaPid) process.kill(kafkaPid, 'SIGCONT');
    await gateway?.stop();
  });

  it('withholds PUBACKs while the broker is stopped and acknowledges everything after it resumes', async () => {
    const device = await connectDevice(gateway.mqttUrl, 'outage-device');
    await device.publishAsync(
      'devices/outage-device/telemetry',
      JSON.stringify({ seq: 0, metrics: { v: 0 } }),
      { qos: 1 },
    );

    process.kill(kafkaPid, 'SIGSTOP');
    const acked = new Set<number>();
    const publishes = Array.from({ length: 50 }, (_, i) => {
      const seq = i + 1;
      return device
        .publishAsync('devices/outage-device/telemetry', JSON.stringify({ seq, metrics: { v: seq } }), {
          qos: 1,
        })
        .then(() => acked.add(seq));
    });
    await new Promise((r) => setTimeout(r, 3000));
    expect(acked.size).toBe(0);

    process.kill(kafkaPid, 'SIGCONT');
    await Promise.all(publishes);
    expect(acked.size).toBe(50);

    const collected = await collectTopics(ctx.kafka, [ctx.topics.telemetry]);
    try {
      const records: CollectedRecord[] = await waitFor(() =>
        collected.records.length >= 51 ? collected.records : null,
      );
      const seqs = new Set(records.map((r) => r.value.seq as number));
      for (let seq = 0; seq <= 50; seq++) expect(seqs.has(seq)).toBe(true);
    } finally {
      await collected.stop();
    }
  });
});
