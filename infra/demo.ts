// npm run demo — the whole system on this machine: Kafka, InfluxDB, a hub, a gateway and a simulated
// fleet provisioned through the hub's API. Ctrl-C stops everything it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

const DATA = process.env.IOT_DATA_DIR ?? '.data';
const DEMO_DIR = `${DATA}/demo`;
const HUB_PORT = process.env.HUB_PORT ?? '8080';
const MQTT_PORT = process.env.MQTT_PORT ?? '1883';
const DEVICES = process.env.DEMO_DEVICES ?? '50';

const say = (line: string): void => void process.stdout.write(`[demo] ${line}\n`);

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function infraWasRunning(): Promise<boolean> {
  const alive = async (file: string): Promise<boolean> => {
    try {
      const pid = Number((await readFile(file, 'utf8')).trim());
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  return (await alive(`${DATA}/kafka/kafka.pid`)) && (await alive(`${DATA}/influxdb/influxd.pid`));
}

async function operatorToken(): Promise<string> {
  if (process.env.HUB_OPERATOR_TOKEN) return process.env.HUB_OPERATOR_TOKEN;
  const file = `${DEMO_DIR}/operator-token`;
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = randomBytes(24).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Starts a TypeScript entry point with its output in a log file; resolves when `readyLine` is logged. */
function start(
  name: string,
  entry: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyMsg?: string,
): Promise<ChildProcess> {
  const log = createWriteStream(`${DEMO_DIR}/${name}.log`, { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only this script, which stops the children in order.
    detached: true,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (!readyMsg) return Promise.resolve(child);
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.includes(`"msg":"${readyMsg}"`)) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`${name} exited with ${code}; see ${DEMO_DIR}/${name}.log`)),
    );
  });
}

function stop(child: ChildProcess | undefined, timeoutMs = 15_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  await mkdir(DEMO_DIR, { recursive: true });
  const leaveInfraRunning = await infraWasRunning();
  say('starting Kafka and InfluxDB (npm run infra:up)');
  await run('bash', ['infra/up.sh']);
  const token = await operatorToken();
  const common = { HUB_OPERATOR_TOKEN: token, LOG_LEVEL: 'info' };

  const children: ChildProcess[] = [];
  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say('stopping the simulator, the gateway and the hub');
    for (const child of [...children].reverse()) await stop(child);
    if (!leaveInfraRunning) {
      say('stopping Kafka and InfluxDB');
      await run('bash', ['infra/down.sh']).catch(() => undefined);
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    say(`starting the hub on port ${HUB_PORT}`);
    children.push(await start('hub', 'hub/main.ts', [], { ...common, HUB_PORT }, 'hub listening'));
    say(`starting a gateway (MQTT on port ${MQTT_PORT}, DEVICE_AUTH=registry)`);
    children.push(
      await start(
        'gateway',
        'gateway/main.ts',
        [],
        { ...common, MQTT_PORT, DEVICE_AUTH: 'registry', GATEWAY_ID: 'demo-gateway' },
        'gateway listening',
      ),
    );
    say(`starting ${DEVICES} simulated devices, provisioned through the hub API, 360x faster than real time`);
    const sim = await start(
      'sim',
      'device-sim/main.ts',
      [
        '--devices',
        DEVICES,
        '--faults',
        '0.1',
        '--speed',
        '360',
        '--rate',
        '2',
        '--horizon',
        '24h',
        '--seed',
        '42',
        '--prefix',
        'demo-',
        '--url',
        `mqtt://127.0.0.1:${MQTT_PORT}`,
        '--hub',
        `http://127.0.0.1:${HUB_PORT}`,
        '--credentials',
        'provision',
        '--credentials-file',
        `${DEMO_DIR}/device-credentials.json`,
        '--ground-truth',
        `${DEMO_DIR}/ground-truth.jsonl`,
      ],
      common,
    );
    children.push(sim);
    sim.once('exit', (code) => {
      if (!stopping) say(`the simulator exited with ${code}; see ${DEMO_DIR}/sim.log`);
    });
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    await shutdown(1);
    return;
  }

  say('');
  say(`console:        http://127.0.0.1:${HUB_PORT}/`);
  say(`operator token: ${token}`);
  say(`HTTP API:       curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${HUB_PORT}/api/devices`);
  say(`logs:           ${DEMO_DIR}/*.log; what will fail and when: ${DEMO_DIR}/ground-truth.jsonl`);
  say('Ctrl-C stops everything this command started.');
}

await main();
