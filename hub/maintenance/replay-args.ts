import { parseArgs } from 'node:util';

export const REPLAY_USAGE = `usage: tsx hub/maintenance/replay.ts --from <iso-time|epoch-ms> [--write-state]

Rebuilds device_health in InfluxDB from the telemetry still in Kafka, starting at the records
the gateway received at or after --from, with fresh detector state (as after a model change).
Points at the same device time are overwritten, so it can be run again.

  --from <time>     ISO 8601 time or milliseconds since the epoch (Kafka record time)
  --write-state     save the rebuilt state for the hubs to continue from; only while they are stopped
`;

export interface ReplayArgs {
  fromMs: number;
  writeState: boolean;
}

export function parseTime(text: string): number | null {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** Reads the replay command line; never exits, so it is unit tested. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs | { help: true } | { error: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        from: { type: 'string' },
        'write-state': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { help: true };
  if (values.from === undefined) return { error: '--from is required' };
  const fromMs = parseTime(values.from);
  if (fromMs === null)
    return { error: `--from expects an ISO time or epoch milliseconds, got ${JSON.stringify(values.from)}` };
  return { fromMs, writeState: values['write-state'] };
}
