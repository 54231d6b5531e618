import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SETTINGS, loadConfig } from '../../../config/index.js';

interface Service {
  command?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const knownEnv = new Set(SETTINGS.map((s) => s.env));
const ourServices = ['hub', 'gateway', 'sim'] as const;

function env(name: string): Record<string, string> {
  const raw = services[name]?.environment ?? {};
  // Compose interpolates ${VAR:?message}; a test value stands in for the operator's.
  return Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, String(v).startsWith('${') ? 'compose-test-token' : String(v)]),
  );
}

function containerPorts(name: string): number[] {
  return (services[name]?.ports ?? []).map((p) => Number(p.split(':').at(-1)));
}

function flag(name: string, flagName: string): string | undefined {
  return services[name]?.command?.find((a) => a.startsWith(`--${flagName}=`))?.split('=')[1];
}

describe('docker-compose.yml', () => {
  it('runs Kafka, InfluxDB 1.8, a hub, a gateway and the simulator, each with a health check where it serves', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'hub', 'influxdb', 'kafka', 'sim']);
    for (const name of ['kafka', 'influxdb', 'hub', 'gateway'])
      expect(services[name]?.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it('uses only environment variables the config schema knows, with values it accepts', () => {
    for (const name of ourServices) {
      const vars = env(name);
      expect(Object.keys(vars).filter((k) => !knownEnv.has(k))).toEqual([]);
      expect(() => loadConfig({ env: vars })).not.toThrow();
    }
  });

  it('publishes the ports the processes listen on, and health checks and clients use them', () => {
    const gateway = loadConfig({ env: env('gateway') });
    const hub = loadConfig({ env: env('hub') });
    expect(containerPorts('gateway').sort()).toEqual(
      [gateway.mqtt.port, gateway.mqtt.wsPort, gateway.gateway.httpPort].sort(),
    );
    expect(containerPorts('hub')).toEqual([hub.hub.port]);
    expect(services.gateway?.healthcheck?.test.join(' ')).toContain(`:${gateway.gateway.httpPort}/healthz`);
    expect(services.hub?.healthcheck?.test.join(' ')).toContain(`:${hub.hub.port}/healthz`);
    expect(flag('sim', 'url')).toBe(`mqtt://gateway:${gateway.mqtt.port}`);
    expect(flag('sim', 'hub')).toBe(`http://hub:${hub.hub.port}`);
  });

  it('points every process at the compose services', () => {
    const kafka = services.kafka?.environment ?? {};
    expect(String(kafka.KAFKA_ADVERTISED_LISTENERS)).toBe('PLAINTEXT://kafka:9092');
    for (const name of ['hub', 'gateway'] as const)
      expect(loadConfig({ env: env(name) }).kafka.brokers).toEqual(['kafka:9092']);
    expect(new URL(loadConfig({ env: env('hub') }).influx.url).host).toBe('influxdb:8086');
    expect(loadConfig({ env: env('gateway') }).auth.device).toBe('registry');
  });
});
