// npm run eval:maintenance -- --seed S --devices N [--faults F] [--days D] [--interval-minutes M]
// Prints one JSON object: the detector's figures and the fixed-threshold baseline's.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../../config/index.js';
import { DEFAULT_PARAMS } from '../detector/params.js';
import { profilesFromConfig } from '../detector/profiles.js';
import { evaluate } from './run.js';

function numberOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
  fallback: number,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isFinite(n)) {
    process.stderr.write(`--${name}: expected a number, got ${JSON.stringify(raw)}\n`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    devices: { type: 'string' },
    faults: { type: 'string' },
    days: { type: 'string' },
    'interval-minutes': { type: 'string' },
  },
});

const result = evaluate({
  seed: numberOption(values, 'seed', 1),
  devices: numberOption(values, 'devices', 500),
  faults: numberOption(values, 'faults', 0.15),
  days: numberOption(values, 'days', 7),
  intervalMs: numberOption(values, 'interval-minutes', 2) * 60_000,
  startMs: Date.UTC(2025, 0, 1),
  // The same settings the consumer reads, so MAINTENANCE_* variables can be tried out here first.
  profiles: profilesFromConfig(loadConfigOrExit().maintenance),
  params: DEFAULT_PARAMS,
});
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
