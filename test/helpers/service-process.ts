import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ServiceProcess {
  child: ChildProcess;
  /** The log line that announced readiness. */
  ready: Record<string, unknown>;
  /** Parsed JSON log lines. */
  logs: Record<string, unknown>[];
  /** Everything the process wrote so far, as written. */
  stdout(): string;
  stderr(): string;
  /** Sends `signal` and resolves with the exit code once the output is drained. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts an entry point as its own process and resolves once it logs `readyMsg`: a TypeScript
 * source (`gateway/main.ts`, `hub/main.ts`) through tsx, or a compiled `.js` file with plain node,
 * as the image runs it.
 */
export async function startServiceProcess(
  entry: string,
  env: NodeJS.ProcessEnv,
  readyMsg: string,
  timeoutMs: number,
): Promise<ServiceProcess> {
  const name = entry.split('/')[0] ?? entry;
  // SERVICE_CPU_PROF_DIR=dir writes a V8 CPU profile of every service process (bench or test) there.
  const profile = process.env.SERVICE_CPU_PROF_DIR;
  const args = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    ...(entry.endsWith('.js') ? [entry] : ['--import', 'tsx', entry]),
  ];
  const child = spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Nobody holds a process that never became ready: it must not outlive the caller's failure.
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    lines.on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === readyMsg) {
        clearTimeout(timer);
        resolve(entry);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `${name} exited with ${code} before listening\n${stderr}\n${JSON.stringify(logs.slice(-5))}`,
        ),
      );
    });
  });
  return {
    child,
    ready,
    logs,
    stdout: () => stdout,
    stderr: () => stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      // 'close' comes after the output pipes are drained, so `logs` then holds the last line.
      const exited = once(child, 'close') as Promise<[number | null]>;
      child.kill(signal);
      const [code] = await exited;
      return code;
    },
  };
}
