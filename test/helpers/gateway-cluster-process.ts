import type { ChildProcess } from 'node:child_process';
import { gatewayProcessEnv } from './gateway-process.js';
import { startServiceProcess } from './service-process.js';

export interface WorkerHealth {
  gatewayId: string;
  state: string;
  pid?: number;
  restarts: number;
  healthy: boolean;
  /** The worker's own /healthz report, while it runs. */
  report?: { healthy: boolean; connections?: number };
}

export interface ClusterHealth {
  healthy: boolean;
  gatewayId: string;
  workers: WorkerHealth[];
}

export interface GatewayClusterProcess {
  /** The primary. */
  child: ChildProcess;
  ports: { mqtt: number; mqttWs: number; http: number };
  gatewayId: string;
  workerIds: string[];
  /** Log lines of the primary and of every worker (they share its stdout). */
  logs: Record<string, unknown>[];
  mqttUrl: string;
  stderr(): string;
  /** The primary's /healthz: its status and report. */
  health(): Promise<{ status: number; body: ClusterHealth }>;
  metrics(): Promise<string>;
  /** Signals the primary and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts the gateway with GATEWAY_WORKERS, the way operators run it, on free ports: `entry` is
 * `gateway/main.ts` (through tsx) unless a compiled `main.js` is given.
 */
export async function startGatewayClusterProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
  entry = 'gateway/main.ts',
): Promise<GatewayClusterProcess> {
  const service = await startServiceProcess(
    entry,
    gatewayProcessEnv({ GATEWAY_WORKERS: '2', ...env }),
    'gateway workers listening',
    timeoutMs,
  );
  const ports = service.ready.ports as GatewayClusterProcess['ports'];
  const base = `http://127.0.0.1:${ports.http}`;
  return {
    child: service.child,
    ports,
    gatewayId: String(service.ready.gatewayId),
    workerIds: service.ready.workers as string[],
    logs: service.logs,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
    stderr: () => service.stderr(),
    async health() {
      const response = await fetch(`${base}/healthz`);
      return { status: response.status, body: (await response.json()) as ClusterHealth };
    },
    async metrics() {
      return (await fetch(`${base}/metrics`)).text();
    },
    stop: (signal) => service.stop(signal),
  };
}
