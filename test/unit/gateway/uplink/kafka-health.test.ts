import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../../../gateway/metrics.js';
import { KafkaHealth } from '../../../../gateway/uplink/kafka-health.js';

const record = { topic: 'iot.telemetry', key: 'dev-1', value: Buffer.from('{}'), headers: {} };

describe('KafkaHealth', () => {
  it('is failing after a failed send and connected again after one goes through', () => {
    const metrics = new GatewayMetrics('gw-test');
    const health = new KafkaHealth(true, metrics, metrics.kafkaConsumers, pino({ level: 'silent' }));
    const observer = health.observer();
    expect(health.health()).toEqual({ healthy: true, kafka: { state: 'connected', consumers: {} } });

    observer.onBatchFailed?.(new Error('broker gone'), 1, 100);
    observer.onBatchFailed?.(new Error('still gone'), 2, 200);
    expect(health.health()).toEqual({
      healthy: false,
      kafka: { state: 'failing', lastError: 'still gone', consumers: {} },
    });

    observer.onBatchSent?.([record], 0.01);
    expect(health.health()).toMatchObject({ healthy: true, kafka: { state: 'connected' } });
    health.connection(false);
    expect(health.health()).toMatchObject({ healthy: false, kafka: { state: 'disconnected' } });
  });

  it('is unhealthy while a Kafka consumer is down', () => {
    const metrics = new GatewayMetrics('gw-test');
    const health = new KafkaHealth(true, metrics, metrics.kafkaConsumers, pino({ level: 'silent' }));
    metrics.kafkaConsumers.changed('registry', { state: 'restarting', restarts: 1, lastError: 'crash' });
    expect(health.health()).toMatchObject({ healthy: false, kafka: { state: 'connected' } });
  });

  it('counts produced records per topic, whatever the order of topics in the batch', async () => {
    const metrics = new GatewayMetrics('gw-test');
    const health = new KafkaHealth(true, metrics, metrics.kafkaConsumers, pino({ level: 'silent' }));
    const on = (topic: string) => ({ ...record, topic });
    health.observer().onBatchSent?.([on('a'), on('a'), on('b'), on('a'), on('c'), on('c')], 0.01);
    health.observer().onBatchSent?.([], 0.01);
    const counted = (await metrics.recordsProduced.get()).values.map((v) => [v.labels.topic, v.value]);
    expect(Object.fromEntries(counted)).toEqual({ a: 3, b: 1, c: 2 });
  });
});
