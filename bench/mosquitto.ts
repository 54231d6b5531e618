import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/ports.js';

export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

export interface MosquittoSettings {
  /** QoS 1 messages in flight to one subscriber (mosquitto's default is 20). */
  maxInflightMessages: number;
  /** QoS 1 messages queued for one subscriber beyond those in flight (default 1000; more are dropped). */
  maxQueuedMessages: number;
}

export interface MosquittoBroker {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The mosquitto.conf of a local, anonymous, memory-only broker on `port`. */
export function mosquittoConfig(port: number, settings: MosquittoSettings): string {
  return [
    `listener ${port} 127.0.0.1`,
    // The gateway turns Nagle's algorithm off on device sockets; so does this broker.
    'set_tcp_nodelay true',
    'allow_anonymous true',
    'persistence false',
    `max_inflight_messages ${settings.maxInflightMessages}`,
    `max_queued_messages ${settings.maxQueuedMessages}`,
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    '',
  ].join('\n');
}

async function accepts(port: number): Promise<boolean> {
  const socket = connect(port, '127.0.0.1');
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

/** Starts Debian's mosquitto on a free port with a temporary configuration file. */
export async function startMosquitto(settings: MosquittoSettings): Promise<MosquittoBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-mosquitto-'));
  const port = await freePort();
  const configFile = join(dir, 'mosquitto.conf');
  await writeFile(configFile, mosquittoConfig(port, settings));
  const child = spawn(MOSQUITTO_BIN, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      stderr += String(error);
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null || child.pid === undefined) break;
    if (await accepts(port)) return { url: `mqtt://127.0.0.1:${port}`, pid: child.pid, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`mosquitto did not start on port ${port}: ${stderr}`);
}
