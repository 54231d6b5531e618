import type { Config } from '../../config/index.js';

/** The environment variable that hands a worker its configuration, as JSON. */
export const WORKER_CONFIG_ENV = 'GATEWAY_WORKER_CONFIG';

export interface WorkerReady {
  type: 'gateway-worker-ready';
  gatewayId: string;
  ports: Record<string, number | undefined>;
}

export interface WorkerStop {
  type: 'gateway-worker-stop';
  reason: string;
}

function hasType(message: unknown, type: string): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

export function isWorkerReady(message: unknown): message is WorkerReady {
  return hasType(message, 'gateway-worker-ready');
}

export function isWorkerStop(message: unknown): message is WorkerStop {
  return hasType(message, 'gateway-worker-stop');
}

export function workerEnv(config: Config): Record<string, string> {
  return { [WORKER_CONFIG_ENV]: JSON.stringify(config) };
}
