import type { ChildProcess } from 'node:child_process';
import { KAFKA_BROKERS } from './env.js';
import { startServiceProcess } from './service-process.js';
import { execFileAsync } from './processes.js';

export interface HubProcess {
  child: ChildProcess;
  port: number;
  url: string;
  /** HUB_OPERATOR_TOKEN as given, or the one the hub generated and printed. */
  token: string;
  /** Parsed JSON log lines. */
  logs: Record<string, unknown>[];
  /** Everything the process wrote so far, as written. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** `undefined` removes a variable this test process has from the child's environment. */
export type ChildEnv = Record<string, string | undefined>;

const GENERATED_TOKEN = /^operator token \(generated for this run\): (\S+)$/m;

function hubEnv(env: ChildEnv): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    HUB_HOST: '127.0.0.1',
    HUB_PORT: '0',
    LOG_LEVEL: 'info',
    APP_ENV: 'development',
    HUB_OPERATOR_TOKEN: undefined,
    CONFIG_FILE: undefined,
    ...env,
  };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged;
}

/** Starts `hub/main.ts` as its own process, the way operators run it, on a free port. */
export async function startHubProcess(env: ChildEnv, timeoutMs = 60_000): Promise<HubProcess> {
  const service = await startServiceProcess('hub/main.ts', hubEnv(env), 'hub listening', timeoutMs);
  const port = (service.ready.ports as { http: number }).http;
  const token = env.HUB_OPERATOR_TOKEN ?? GENERATED_TOKEN.exec(service.stderr())?.[1];
  if (token === undefined) {
    throw new Error(`hub started without a token in its environment or on stderr\n${service.stderr()}`);
  }
  return {
    child: service.child,
    port,
    url: `http://127.0.0.1:${port}`,
    token,
    logs: service.logs,
    stdout: () => service.stdout(),
    stderr: () => service.stderr(),
    stop: (signal) => service.stop(signal),
  };
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runToExit(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<Finished> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--import', 'tsx', script, ...args], {
      env,
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Runs the hub expecting it to exit by itself, such as on a configuration error. */
export function runHubToExit(env: ChildEnv, timeoutMs = 30_000): Promise<Finished> {
  return runToExit('hub/main.ts', [], hubEnv(env), timeoutMs);
}

/** Runs `npm run devices -- ...args` without npm in between. */
export function runDevicesCli(args: string[], env: ChildEnv, timeoutMs = 30_000): Promise<Finished> {
  return runToExit('hub/devices-cli.ts', args, hubEnv(env), timeoutMs);
}
