// npm run bench [-- --quick] [-- --scenario ingest]: runs the benchmarks, one JSON object per line on stdout.
import { parseArgs } from 'node:util';
import { runIngest } from './ingest.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scenario: { type: 'string', default: 'all' },
    devices: { type: 'string' },
    seconds: { type: 'string' },
  },
});
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const seconds = Number(values.seconds ?? (values.quick ? 3 : 20));
const devices = Number(values.devices ?? 100);

const scenarios: Record<string, () => Promise<Record<string, unknown>[]>> = {
  ingest: async () => [await runIngest({ devices, seconds, qos: 1, window: 10, brokers })],
};

const selected = values.scenario === 'all' ? Object.keys(scenarios) : [values.scenario ?? ''];
for (const name of selected) {
  const run = scenarios[name];
  if (!run) {
    process.stderr.write(`unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}\n`);
    process.exit(2);
  }
  for (const result of await run())
    process.stdout.write(`${JSON.stringify({ ...result, machine: machine() })}\n`);
}

function machine(): Record<string, unknown> {
  return {
    node: process.version,
    cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency,
  };
}
