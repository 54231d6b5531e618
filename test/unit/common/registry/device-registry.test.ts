import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SCHEMAS, buildHeaders, type DeviceRegistryRecord } from '../../../../contracts/index.js';
import { KafkaConsumerMonitor } from '../../../../common/kafka/consumer-monitor.js';
import { DeviceRegistryView } from '../../../../common/registry/device-registry.js';
import { kafkajsPort } from '../../../../common/kafka/kafkajs-port.js';
import { fakeKafka, type FakeConsumer } from '../kafka/fake-consumer.js';

const TOPIC = 'iot.devices';
const HASH = `sha256$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;

function record(deviceId: string): DeviceRegistryRecord {
  return { deviceId, secretHash: HASH, createdAt: 1_700_000_000_000, attributes: {} };
}

async function skipped(registry: Registry): Promise<Record<string, number>> {
  const metric = (await registry.getMetricsAsJSON()).find(
    (m) => m.name === 'hub_kafka_records_skipped_total',
  );
  return Object.fromEntries((metric?.values ?? []).map((v) => [String(v.labels.reason), v.value]));
}

/** A view over an empty registry topic, its metrics, and the fake consumer that feeds it. */
async function startedView(): Promise<{
  view: DeviceRegistryView;
  registry: Registry;
  consumer: FakeConsumer;
}> {
  const { kafka, consumers } = fakeKafka();
  const registry = new Registry();
  const view = new DeviceRegistryView(
    kafkajsPort(kafka),
    TOPIC,
    'g',
    pino({ level: 'silent' }),
    new KafkaConsumerMonitor('hub', registry),
  );
  await view.start();
  const consumer = consumers[0];
  if (consumer === undefined) throw new Error('no consumer');
  return { view, registry, consumer };
}

describe('DeviceRegistryView', () => {
  it('counts the records it cannot use by reason and keeps serving the good ones', async () => {
    const { view, registry, consumer } = await startedView();
    const headers = buildHeaders({ deviceId: 'dev-1', schema: SCHEMAS.devices });
    const good = JSON.stringify(record('dev-1'));

    await consumer.deliver(TOPIC, 0, '0', good, { headers });
    await consumer.deliver(TOPIC, 0, '1', good, { headers });
    await consumer.deliver(TOPIC, 0, '2', '{"deviceId":', { key: 'dev-2', headers });
    await consumer.deliver(TOPIC, 0, '3', JSON.stringify({ deviceId: 'dev-3' }), { key: 'dev-3', headers });
    await consumer.deliver(TOPIC, 0, '4', JSON.stringify(record('dev-5')), { key: 'dev-4', headers });
    await consumer.deliver(TOPIC, 0, '5', JSON.stringify(record('dev-6')), {
      key: 'dev-6',
      headers: { ...headers, schema: 'device/2' },
    });
    await consumer.deliver(TOPIC, 0, '6', good, { key: 'dev-1', headers });

    expect(await skipped(registry)).toEqual({
      no_key: 2,
      invalid_json: 1,
      invalid_payload: 1,
      key_mismatch: 1,
      schema_mismatch: 1,
    });
    expect(view.list().map((r) => r.deviceId)).toEqual(['dev-1']);
  });

  it('survives a change listener that throws', async () => {
    const { view, registry, consumer } = await startedView();
    view.on('change', (deviceId) => {
      if (deviceId === 'dev-1') throw new Error('listener bug');
    });
    const headers = buildHeaders({ deviceId: 'dev-1', schema: SCHEMAS.devices });
    await consumer.deliver(TOPIC, 0, '0', JSON.stringify(record('dev-1')), { key: 'dev-1', headers });
    await consumer.deliver(TOPIC, 0, '1', JSON.stringify(record('dev-2')), { key: 'dev-2', headers });

    expect(await skipped(registry)).toEqual({ handler_error: 1 });
    expect(view.get('dev-2')?.deviceId).toBe('dev-2');
  });
});
