import { loadConfig } from '../config/index.js';
import { startGatewayProcess, type GatewayProcess } from '../test/helpers/gateway-process.js';
import type { Cleanup } from './cleanup.js';
import type { KafkaScope } from './kafka-scope.js';
import { progress } from './progress.js';

/** The gateway's Kafka request budget per batch, fixed in gateway/gateway.ts (not a setting). */
export const GATEWAY_MAX_BATCH_BYTES = 900_000;

export interface GatewaySettings {
  lingerMs: number;
  maxBatchRecords: number;
  qos0BufferBytes: number;
  maxInflightBytes: number;
  maxBatchBytes: number;
}

export interface BenchGateway {
  process: GatewayProcess;
  pid: number;
  metricsUrl: string;
  /** The settings the gateway process runs with (defaults, CONFIG_FILE, environment). */
  settings: GatewaySettings;
}

/** The uplink settings a gateway started with `env` (over this process's environment) uses. */
export function gatewaySettings(env: Record<string, string>): GatewaySettings {
  const { gateway } = loadConfig({ env: { ...process.env, ...env } });
  return {
    lingerMs: gateway.lingerMs,
    maxBatchRecords: gateway.maxBatchRecords,
    qos0BufferBytes: gateway.qos0BufferBytes,
    maxInflightBytes: gateway.maxInflightBytes,
    maxBatchBytes: GATEWAY_MAX_BATCH_BYTES,
  };
}

/** Starts `gateway/main.ts` as a child process on the scope's topics; `cleanup` stops it. */
export async function startBenchGateway(
  scope: KafkaScope,
  brokers: string[],
  cleanup: Cleanup,
  extraEnv: Record<string, string> = {},
): Promise<BenchGateway> {
  const env = {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: scope.prefix,
    GATEWAY_ID: `gw-${scope.prefix}`,
    DEVICE_AUTH: 'none',
    ...extraEnv,
  };
  const settings = gatewaySettings(env);
  const gateway = await startGatewayProcess(env);
  cleanup.add('gateway process', async () => {
    const code = await gateway.stop();
    progress(`gateway stopped (exit code ${code})`);
  });
  return {
    process: gateway,
    pid: gateway.child.pid ?? 0,
    metricsUrl: `http://127.0.0.1:${gateway.ports.http}/metrics`,
    settings,
  };
}
