import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SETTINGS, configSchema } from '../../../config/index.js';

describe('SETTINGS', () => {
  it('has one entry per leaf with a unique, upper-case environment variable', () => {
    const envs = SETTINGS.map((s) => s.env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const env of envs) expect(env).toMatch(/^[A-Z][A-Z0-9_]*$/);
    expect(new Set(SETTINGS.map((s) => s.path)).size).toBe(SETTINGS.length);
  });

  it('describes every setting and its expected form in one line', () => {
    for (const s of SETTINGS) {
      expect(s.description.length, s.path).toBeGreaterThan(10);
      expect(s.description, s.path).not.toContain('\n');
      expect(s.expected.length, s.path).toBeGreaterThan(3);
    }
  });

  it('uses the names and defaults the design fixes', () => {
    const byEnv = Object.fromEntries(SETTINGS.map((s) => [s.env, s]));
    expect(byEnv.KAFKA_BROKERS).toMatchObject({ path: 'kafka.brokers', default: ['127.0.0.1:9092'] });
    expect(byEnv.KAFKA_TOPIC_PREFIX).toMatchObject({ path: 'kafka.topicPrefix', default: 'iot' });
    expect(byEnv.MQTT_PORT).toMatchObject({ path: 'mqtt.port', default: 1883 });
    expect(byEnv.MQTT_WS_PORT).toMatchObject({ path: 'mqtt.wsPort', default: 8083 });
    expect(byEnv.MQTT_HOST).toMatchObject({ default: '0.0.0.0' });
    expect(byEnv.GATEWAY_ID).toMatchObject({ path: 'gateway.id' });
    expect(byEnv.GATEWAY_ID?.default).toBeUndefined();
    expect(byEnv.GATEWAY_HTTP_PORT).toMatchObject({ default: 9464 });
    expect(byEnv.DEVICE_AUTH).toMatchObject({ path: 'auth.device', default: 'registry' });
    expect(byEnv.HUB_PORT).toMatchObject({ default: 8080 });
    expect(byEnv.HUB_OPERATOR_TOKEN).toMatchObject({ secret: true });
    expect(byEnv.INFLUX_URL).toMatchObject({ default: 'http://127.0.0.1:8086/iot' });
    expect(byEnv.LOG_LEVEL).toMatchObject({ default: 'info' });
    expect(byEnv.APP_ENV).toMatchObject({ default: 'development' });
    for (const env of [
      'KAFKA_CLIENT_ID',
      'KAFKA_PARTITIONS',
      'KAFKA_CONNECTION_TIMEOUT_MS',
      'KAFKA_REQUEST_TIMEOUT_MS',
      'HUB_HOST',
      'GATEWAY_MAX_PAYLOAD_BYTES',
      'GATEWAY_LINGER_MS',
      'GATEWAY_MAX_BATCH_RECORDS',
      'GATEWAY_QOS0_BUFFER_BYTES',
      'GATEWAY_MAX_INFLIGHT_BYTES',
      'GATEWAY_CONNECT_TIMEOUT_MS',
      'GATEWAY_DRAIN_TIMEOUT_MS',
      'GATEWAY_SHUTDOWN_TIMEOUT_MS',
      'GATEWAY_MAX_CONNECTIONS',
    ]) {
      expect(byEnv[env], env).toBeDefined();
    }
  });

  it('has defaults that pass their own schema', () => {
    const config = configSchema.parse({});
    for (const s of SETTINGS) {
      const value = (config as Record<string, Record<string, unknown>>)[s.section]?.[s.key];
      expect(value, s.path).toEqual(s.default);
    }
  });
});

describe('configSchema', () => {
  it('rejects unknown sections and keys', () => {
    expect(configSchema.safeParse({ mqtt: { prot: 1 } }).success).toBe(false);
    expect(configSchema.safeParse({ mqt: {} }).success).toBe(false);
  });

  it('exports a JSON Schema with every description', () => {
    const json = JSON.stringify(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }));
    for (const s of SETTINGS) expect(json).toContain(JSON.stringify(s.description));
  });
});
