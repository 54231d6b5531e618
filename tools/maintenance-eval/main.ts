// npm run eval:maintenance -- --seed S --devices N [--faults F] [--days D] [--interval-minutes M]
//   [--effects LIST] [--trouble-rate X] [--start ISO]      one run
// npm run eval:maintenance -- --matrix [quick|full] [--split tuning|held-out|all]   the matrix
// npm run eval:maintenance -- --quick                                               = --matrix quick
// Prints one JSON object on stdout; the matrix also prints progress and a table on stderr.
import { loadConfigOrExit } from '../../config/index.js';
import { DEFAULT_PARAMS } from '../../hub/maintenance/detector/params.js';
import { profilesFromConfig } from '../../hub/maintenance/detector/profiles.js';
import { parseEvalArgs } from './args.js';
import { matrixCells } from './matrix.js';
import { runMatrix } from './matrix-run.js';
import { evaluate } from './run.js';
import { formatCellLine, formatMatrixTable } from './table.js';

const args = parseEvalArgs(process.argv.slice(2));
if (args.kind === 'error') {
  process.stderr.write(`eval: ${args.message}\n`);
  process.exit(2);
}
// The same settings the consumer reads, so MAINTENANCE_* variables can be tried out here first.
const setup = { profiles: profilesFromConfig(loadConfigOrExit().maintenance), params: DEFAULT_PARAMS };

if (args.kind === 'single') {
  const result = evaluate({
    seed: args.seed,
    devices: args.devices,
    faults: args.faults,
    days: args.days,
    intervalMs: args.intervalMinutes * 60_000,
    startMs: args.startMs,
    effects: { enabled: args.effects, troubleRate: args.troubleRate },
    ...setup,
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  const cells = matrixCells(args.matrix).filter((c) => args.split === 'all' || c.split === args.split);
  const result = runMatrix(args.matrix, cells, setup, (cell, done, total) =>
    process.stderr.write(`${formatCellLine(cell, done, total)}\n`),
  );
  process.stderr.write(`${formatMatrixTable(result)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
