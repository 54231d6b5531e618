import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { KAFKA_BROKERS } from './env.js';

export interface GatewayProcess {
  child: ChildProcess;
  ports: { mqtt: number; mqttWs: number; mqtts?: number; mqttWss?: number; http: number };
  gatewayId: string;
  logs: Record<string, unknown>[];
  mqttUrl: string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `gateway/main.ts` as its own process, the way operators run it, on free ports. */
export async function startGatewayProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    env: {
      ...process.env,
      KAFKA_BROKERS: KAFKA_BROKERS.join(','),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: '0',
      MQTT_WS_PORT: '0',
      GATEWAY_HTTP_PORT: '0',
      DEVICE_AUTH: 'none',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const ready = new Promise<GatewayProcess['ports'] & { gatewayId: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start in ${timeoutMs} ms\n${stderr}`)),
      timeoutMs,
    );
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'gateway listening') {
        clearTimeout(timer);
        resolve({ ...(entry.ports as GatewayProcess['ports']), gatewayId: String(entry.gatewayId) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `gateway exited with ${code} before listening\n${stderr}\n${JSON.stringify(logs.slice(-5))}`,
        ),
      );
    });
  });
  const { gatewayId, ...ports } = await ready;
  return {
    child,
    ports,
    gatewayId,
    logs,
    mqttUrl: `mqtt://127.0.0.1:${ports.mqtt}`,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, 'exit') as Promise<[number | null]>;
      child.kill(signal);
      const [code] = await exited;
      return code;
    },
  };
}
