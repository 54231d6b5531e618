import type { ChildProcess } from 'node:child_process';
import { KAFKA_BROKERS } from './env.js';
import { startServiceProcess } from './service-process.js';

export interface GatewayProcess {
  child: ChildProcess;
  ports: { mqtt: number; mqttWs: number; mqtts?: number; mqttWss?: number; http: number };
  gatewayId: string;
  logs: Record<string, unknown>[];
  mqttUrl: string;
  /** What the process wrote to stderr so far (a crash's stack trace ends up here). */
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A gateway on free loopback ports, without device authentication, unless `env` says otherwise. */
export function gatewayProcessEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    MQTT_WS_PORT: '0',
    GATEWAY_HTTP_PORT: '0',
    DEVICE_AUTH: 'none',
    LOG_LEVEL: 'info',
    ...env,
  };
}

/** Starts `gateway/main.ts` as its own process, the way operators run it, on free ports. */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<GatewayProcess> {
  const service = await startServiceProcess(
    'gateway/main.ts',
    gatewayProcessEnv(env),
    'gateway listening',
    timeoutMs,
  );
  const ports = service.ready.ports as GatewayProcess['ports'];
  return {
    child: service.child,
    ports,
    gatewayId: String(service.ready.gatewayId),
    logs: service.logs,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
    stderr: () => service.stderr(),
    stop: (signal) => service.stop(signal),
  };
}
