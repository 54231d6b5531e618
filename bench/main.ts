// npm run bench [-- --quick] [-- --scenario ingest,limits] [-- --devices N --seconds S --connections N]:
// runs the benchmarks and prints one JSON object per scenario on stdout; progress goes to stderr.
import { runCommandsBench } from './commands.js';
import { runConsoleBench } from './console.js';
import { cleanUpOnSignals } from './cleanup.js';
import { connectionBudget, parseBenchArgs } from './cli.js';
import { runAuthConnects } from './auth-connects.js';
import { runConnections } from './connections.js';
import { runIngest, type IngestOptions } from './ingest.js';
import { runLimits, type GatewayMaximum } from './limits.js';
import { compareKafkaClients } from './kafka-client-comparison.js';
import { describeMachine } from './machine.js';
import { progress } from './progress.js';

const SCENARIOS = [
  'ingest',
  'limits',
  'kafka-clients',
  'connections',
  'auth',
  'commands',
  'console',
] as const;

let args: ReturnType<typeof parseBenchArgs>;
try {
  args = parseBenchArgs(process.argv.slice(2), SCENARIOS);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
cleanUpOnSignals();

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const ingestOptions: IngestOptions = {
  brokers,
  devices: args.devices,
  seconds: args.seconds,
  warmupSeconds: args.warmupSeconds,
  window: 10,
  qos1Load: 0.7,
  qos0Load: 1,
  maxOutstandingPerDevice: 100,
  phases: 'all',
};
let gatewayMax: GatewayMaximum | undefined;
const commandCount = args.quick ? 20 : 200;

const run: Record<(typeof SCENARIOS)[number], () => Promise<Record<string, unknown>>> = {
  ingest: async () => {
    const report = await runIngest(ingestOptions);
    gatewayMax = { recordsPerSecond: report.qos1Max.recordsPerSecond, measuredIn: 'ingest (same run)' };
    return report;
  },
  limits: () =>
    runLimits(ingestOptions, gatewayMax, {
      // Three maxima of each broker, interleaved: their median is what the ratios compare, and on
      // a shared machine one round in two or three lands in a slower minute.
      rounds: args.quick ? 1 : 3,
      pacedPerSecond: 1_000,
      pacedSeconds: args.quick ? 2 : args.seconds,
    }),
  'kafka-clients': () =>
    compareKafkaClients({
      brokers,
      devices: args.devices,
      window: ingestOptions.window,
      seconds: args.seconds,
      warmupSeconds: args.warmupSeconds,
      rounds: args.quick ? 2 : 3,
    }),
  connections: () =>
    runConnections({
      brokers,
      devices: args.connections,
      devicesPerWorker: connectionBudget(describeMachine().openFilesLimit.hard),
      devicesPerProcess: args.quick ? 500 : 9_000,
      concurrency: 100,
      settleSeconds: args.quick ? 1 : 3,
      memorySettleSeconds: args.quick ? 1 : 20,
      stormTimeoutSeconds: 150,
    }),
  auth: () =>
    runAuthConnects({
      brokers,
      devices: args.quick ? 300 : 3_000,
      legacyDevices: args.quick ? 20 : 100,
      concurrency: 100,
      rounds: args.quick ? 1 : 3,
    }),
  commands: async () => ({
    ...(await runCommandsBench({ brokers, count: commandCount })),
    parameters: { count: commandCount, load: 'idle: no other traffic on the gateway or the hub' },
  }),
  console: async () => ({
    ...(await runConsoleBench({
      brokers,
      devices: args.quick ? 200 : 1_000,
      clients: args.quick ? 10 : 50,
      seconds: args.quick ? 8 : 60,
    })),
  }),
};

let failures = 0;
for (const name of args.scenarios) {
  const started = Date.now();
  const machine = describeMachine();
  progress(`scenario ${name}${args.quick ? ' (quick)' : ''}`);
  let result: Record<string, unknown>;
  try {
    result = await run[name as (typeof SCENARIOS)[number]]();
  } catch (error) {
    failures++;
    progress(
      `scenario ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    result = { scenario: name, error: error instanceof Error ? error.message : String(error) };
  }
  const loadAverage1mAtEnd = describeMachine().loadAverage1m;
  const line = { scenario: name, quick: args.quick, machine: { ...machine, loadAverage1mAtEnd }, ...result };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  progress(`scenario ${name} done in ${Math.round((Date.now() - started) / 1000)} s`);
}
process.exit(failures > 0 ? 1 : 0);
