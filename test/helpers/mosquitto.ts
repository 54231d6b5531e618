import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';

/** The Debian mosquitto clients, a foreign MQTT implementation used as attacker and victim. */

export interface MosquittoExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the helper killed it because it ran longer than allowed. */
  timedOut: boolean;
}

export interface MosquittoWill {
  topic: string;
  payload: string;
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

const running = new Set<ChildProcess>();

afterEach(async () => {
  await Promise.all([...running].map((child) => stopChild(child, 'SIGKILL')));
  running.clear();
});

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const closed = once(child, 'close').then(() => undefined);
  child.kill(signal);
  return closed;
}

function willArgs(will: MosquittoWill | undefined): string[] {
  if (!will) return [];
  return [
    '--will-topic',
    will.topic,
    '--will-payload',
    will.payload,
    '--will-qos',
    String(will.qos ?? 0),
    ...(will.retain ? ['--will-retain'] : []),
  ];
}

// stdbuf: the clients write their -d log with stdio buffering, which a pipe would hold back.
function spawnClient(command: string, args: string[]): ChildProcess {
  const child = spawn('stdbuf', ['-oL', '-eL', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('close', () => running.delete(child));
  return child;
}

export interface MosquittoPubOptions {
  clientId: string;
  topic: string;
  qos: 0 | 1 | 2;
  /** `-f`: the payload is this file's content (for payloads too large for argv). */
  file?: string;
  message?: string;
  retain?: boolean;
  will?: MosquittoWill;
  username?: string;
  password?: string;
}

export interface MosquittoPubResult extends MosquittoExit {
  /** The broker completed the QoS flow: PUBACK (QoS 1), PUBCOMP (QoS 2), or a clean exit (QoS 0). */
  acknowledged: boolean;
}

/** Loopback, MQTT 3.1.1, debug output (what the helpers read their results from), and the client id. */
function commonArgs(port: number, clientId: string): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-d', '-i', clientId];
}

/** Runs mosquitto_pub once with `-d`, and reads from its log whether the publish was acknowledged. */
export async function mosquittoPub(
  port: number,
  options: MosquittoPubOptions,
  timeoutMs = 30_000,
): Promise<MosquittoPubResult> {
  const args = [
    ...commonArgs(port, options.clientId),
    '-t',
    options.topic,
    '-q',
    String(options.qos),
    ...(options.file !== undefined ? ['-f', options.file] : ['-m', options.message ?? '']),
    ...(options.retain ? ['-r'] : []),
    ...(options.username !== undefined ? ['-u', options.username] : []),
    ...(options.password !== undefined ? ['-P', options.password] : []),
    ...willArgs(options.will),
  ];
  const child = spawnClient('mosquitto_pub', args);
  const exit = await collectExit(child, timeoutMs);
  const ackLine = options.qos === 1 ? /received PUBACK/ : /received PUBCOMP/;
  const acknowledged = options.qos === 0 ? exit.code === 0 : ackLine.test(exit.stdout);
  return { ...exit, acknowledged };
}

async function collectExit(child: ChildProcess, timeoutMs?: number): Promise<MosquittoExit> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal, stdout, stderr, timedOut };
}

export interface ReceivedMessage {
  topic: string;
  qos: number;
  payload: Buffer;
}

export interface MosquittoSubscriber {
  clientId: string;
  /** Every PUBLISH the client received, in order. */
  messages: ReceivedMessage[];
  /** The granted QoS of each filter, from the SUBACK. */
  granted: number[];
  /** SIGTERM: mosquitto_sub sends DISCONNECT (a clean disconnect; the Will is discarded). */
  stop(): Promise<MosquittoExit>;
  /** SIGKILL: the TCP connection drops without DISCONNECT, so the broker publishes the Will. */
  kill(): Promise<MosquittoExit>;
  exited: Promise<MosquittoExit>;
  output(): string;
}

export interface MosquittoSubOptions {
  clientId: string;
  topics: string[];
  qos?: 0 | 1 | 2;
  /** `-c`: a persistent session (clean session off) that the broker keeps while the client is away. */
  persistent?: boolean;
  will?: MosquittoWill;
  keepaliveS?: number;
}

const MESSAGE_LINE = /^MSG\t(\d)\t([0-9a-f]*)\t(.*)$/;

/** Starts mosquitto_sub and resolves once its SUBACK arrived; rejects if it exits before that. */
export async function startMosquittoSub(
  port: number,
  options: MosquittoSubOptions,
  timeoutMs = 20_000,
): Promise<MosquittoSubscriber> {
  const args = [
    ...commonArgs(port, options.clientId),
    '-q',
    String(options.qos ?? 1),
    '-k',
    String(options.keepaliveS ?? 60),
    // Payload in hex and the topic last, so that any byte in either survives the line format.
    '-F',
    'MSG\\t%q\\t%x\\t%t',
    ...(options.persistent ? ['-c'] : []),
    ...options.topics.flatMap((t) => ['-t', t]),
    ...willArgs(options.will),
  ];
  const child = spawnClient('mosquitto_sub', args);
  const messages: ReceivedMessage[] = [];
  const granted: number[] = [];
  let stdout = '';
  let pending = '';
  let onSubscribed: (() => void) | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const message = MESSAGE_LINE.exec(line);
      if (message) {
        messages.push({
          qos: Number(message[1]),
          payload: Buffer.from(message[2] ?? '', 'hex'),
          topic: message[3] ?? '',
        });
        continue;
      }
      const subscribed = /^Subscribed \(mid: \d+\): ([\d, ]+)$/.exec(line);
      if (subscribed) {
        granted.push(...(subscribed[1] ?? '').split(',').map((q) => Number(q.trim())));
        onSubscribed?.();
      }
    }
  });
  const exited = collectExit(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`mosquitto_sub ${options.clientId}: no SUBACK`)),
      timeoutMs,
    );
    onSubscribed = () => {
      clearTimeout(timer);
      resolve();
    };
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(
        new Error(
          `mosquitto_sub ${options.clientId} exited (${exit.code}) before its SUBACK: ${exit.stderr}`,
        ),
      );
    });
  });
  const end = async (signal: NodeJS.Signals): Promise<MosquittoExit> => {
    await stopChild(child, signal);
    return exited;
  };
  return {
    clientId: options.clientId,
    messages,
    granted,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    exited,
    output: () => stdout,
  };
}
