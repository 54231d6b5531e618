import { FLAGS } from './flags.js';

export function helpText(): string {
  const rows = Object.entries(FLAGS).map(([name, spec]) => ({
    left: `  --${name} ${spec.value}`,
    right: `${spec.help} [default: ${spec.default}]`,
  }));
  const width = Math.max(...rows.map((r) => r.left.length)) + 2;
  return [
    'Usage: npm run sim -- [options]',
    '',
    'Simulates a fleet of pumps and motors speaking MQTT to the gateway. Some degrade and fail',
    'on a schedule fixed by the seed. A JSON summary goes to stdout at the end; progress goes to',
    'stderr. Stop early with Ctrl-C (a second Ctrl-C exits at once).',
    '',
    'Options:',
    ...rows.map((r) => r.left.padEnd(width) + r.right),
    '  -h, --help'.padEnd(width) + 'show this help',
    '',
    'Example: npm run sim -- --devices 100 --rate 2 --speed 3600 --duration 2m --ground-truth truth.jsonl',
    '',
  ].join('\n');
}
