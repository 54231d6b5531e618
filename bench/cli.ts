import { parseArgs } from 'node:util';

export interface BenchArgs {
  quick: boolean;
  scenarios: string[];
  /** Publishing devices of the ingest and limits scenarios. */
  devices: number;
  /** Length of each measured phase. */
  seconds: number;
  warmupSeconds: number;
  /** Idle devices of the connections scenario, over as many gateway workers as they need. */
  connections: number;
}

/** `all` or a comma-separated list of known names, in the order given, without repeats. */
export function parseScenarioList(value: string, known: readonly string[]): string[] {
  if (value.trim() === 'all') return [...known];
  const names = [
    ...new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
  ];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new Error(`unknown scenario "${unknown.join(', ') || value}"; known: ${known.join(', ')} (or all)`);
  return names;
}

/**
 * Idle devices one gateway process can hold under a per-process open-files limit of `hardLimit`: one fd per
 * device, keeping `reserve` for the gateway's own files, in whole thousands; `cap` when unlimited.
 */
export function connectionBudget(hardLimit: number | null, cap = 18_000, reserve = 2_000): number {
  if (hardLimit === null) return cap;
  return Math.max(1_000, Math.min(cap, Math.floor((hardLimit - reserve) / 1000) * 1000));
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

/** The connections scenario's fleet on one host, as issue targets state it. */
export const FLEET_DEVICES = 50_000;

export function parseBenchArgs(argv: string[], known: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'all' },
      devices: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  return {
    quick,
    scenarios: parseScenarioList(values.scenario ?? 'all', known),
    devices: Math.round(positive('devices', values.devices, 100)),
    seconds: positive('seconds', values.seconds, quick ? 3 : 20),
    warmupSeconds: quick ? 1 : 3,
    connections: Math.round(positive('connections', values.connections, quick ? 1_000 : FLEET_DEVICES)),
  };
}
