import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { parseDurationMs } from '../duration.js';
import { DEFAULT_SITES, parseEffectList } from '../effects.js';
import { DEVICE_PREFIX_PATTERN, type FleetOptions } from '../fleet-runner.js';
import { CREDENTIAL_SOURCES } from '../runtime/credentials.js';
import { FLAGS } from './flags.js';

export interface CliRun {
  fleet: Omit<FleetOptions, 'credentials'>;
  credentials: { source: 'none' } | { source: 'provision'; hubUrl: string; file: string };
  summaryFile?: string;
}

export type CliParse = { kind: 'help' } | { kind: 'run'; run: CliRun } | { kind: 'error'; message: string };

const BROKER_PROTOCOLS = new Set(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']);

const numberText = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i, `expected ${what}`)
    .transform(Number);

const intIn = (min: number, max: number) =>
  numberText('an integer').pipe(
    z.int(`expected an integer`).min(min, `must be >= ${min}`).max(max, `must be <= ${max}`),
  );

const positive = (max: number) =>
  numberText('a number').pipe(z.number().positive('must be > 0').max(max, `must be <= ${max}`));

const durationText = z.string().transform((s, ctx) => {
  const ms = parseDurationMs(s);
  if (ms === null || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration like 30s, 5m, 2h or 1d' });
    return z.NEVER;
  }
  return ms;
});

const instantText = z.string().transform((s, ctx) => {
  const ms = /^\d+$/.test(s.trim()) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(ms) || ms < 0) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

const effectsText = z.string().transform((s, ctx) => {
  const parsed = parseEffectList(s);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.effects;
});

const urlText = z.string().refine((s) => {
  try {
    return BROKER_PROTOCOLS.has(new URL(s).protocol);
  } catch {
    return false;
  }
}, 'expected a broker URL such as mqtt://127.0.0.1:1883');

// Keys are the flag names, so an issue's path names the flag the user typed.
const cliSchema = z.object({
  devices: intIn(1, 100_000).default(10),
  rate: positive(100).default(1),
  duration: durationText.optional(),
  seed: intIn(0, 0xffff_ffff).default(1),
  qos: z
    .enum(['0', '1'], 'expected 0 or 1')
    .default('1')
    .transform(Number)
    .pipe(z.union([z.literal(0), z.literal(1)])),
  faults: numberText('a number').pipe(z.number().min(0, 'must be >= 0').max(1, 'must be <= 1')).default(0.1),
  speed: positive(1_000_000).default(1),
  start: instantText.optional(),
  horizon: durationText.optional(),
  url: urlText.default('mqtt://127.0.0.1:1883'),
  prefix: z
    .string()
    .regex(DEVICE_PREFIX_PATTERN, 'must match ^[A-Za-z0-9][A-Za-z0-9_.-]{0,50}$')
    .default('sim-'),
  ramp: positive(100_000).default(200),
  'ground-truth': z.string().min(1, 'needs a file name').optional(),
  summary: z.string().min(1, 'needs a file name').optional(),
  effects: effectsText.default([]),
  'trouble-rate': positive(100).default(1),
  sites: intIn(1, 1_000).default(DEFAULT_SITES),
  credentials: z
    .enum(CREDENTIAL_SOURCES, `expected one of: ${CREDENTIAL_SOURCES.join(', ')}`)
    .default('none'),
  hub: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as http://127.0.0.1:8080' })
    .default('http://127.0.0.1:8080'),
  'credentials-file': z.string().min(1, 'needs a file name').default('.data/sim-credentials.json'),
});

const parseArgsOptions = {
  help: { type: 'boolean', short: 'h' },
  ...Object.fromEntries(Object.keys(FLAGS).map((name) => [name, { type: 'string' }])),
} as const satisfies ParseArgsConfig['options'];

/** Parses the simulator's arguments. Errors come back as one line naming the flag. */
export function parseCli(argv: readonly string[]): CliParse {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: parseArgsOptions,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return { kind: 'error', message: describeParseArgsError(err) };
  }
  if (values.help === true) return { kind: 'help' };
  const { help: _help, ...flags } = values;
  const parsed = cliSchema.safeParse(flags);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? '');
    const given = flags[flag];
    const shown = typeof given === 'string' ? ` (got ${JSON.stringify(given)})` : '';
    return { kind: 'error', message: `--${flag}: ${issue?.message ?? 'invalid'}${shown}` };
  }
  const o = parsed.data;
  return {
    kind: 'run',
    run: {
      fleet: {
        url: o.url,
        devices: o.devices,
        ratePerSec: o.rate,
        durationMs: o.duration,
        seed: o.seed,
        qos: o.qos,
        faults: o.faults,
        speed: o.speed,
        startMs: o.start,
        horizonMs: o.horizon,
        prefix: o.prefix,
        rampPerSec: o.ramp,
        groundTruthFile: o['ground-truth'],
        effects: o.effects,
        troubleRate: o['trouble-rate'],
        sites: o.sites,
      },
      credentials:
        o.credentials === 'provision'
          ? { source: 'provision', hubUrl: o.hub, file: o['credentials-file'] }
          : { source: 'none' },
      summaryFile: o.summary,
    },
  };
}

function describeParseArgsError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const quoted = /'(-{1,2}[^' ]+)/.exec(e.message ?? '')?.[1];
  switch (e.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `${quoted ?? 'option'}: unknown option (see --help)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return (e.message ?? '').includes('ambiguous')
        ? `${quoted ?? 'option'}: a value starting with '-' must be written ${quoted ?? '--flag'}=VALUE`
        : `${quoted ?? 'option'}: needs a value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${/'([^']*)'/.exec(e.message ?? '')?.[1] ?? ''} (options start with --)`;
    default:
      return e.message ?? String(err);
  }
}

type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : false;
// A flag added to FLAGS without a schema entry, or the reverse, fails to compile here.
const _flagsMatchSchema: SameKeys<typeof FLAGS, typeof cliSchema.shape> = true;
