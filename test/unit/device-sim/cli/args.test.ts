import { describe, expect, it } from 'vitest';
import { parseCli, type CliRun } from '../../../../device-sim/cli/args.js';
import { FLAGS } from '../../../../device-sim/cli/flags.js';
import { helpText } from '../../../../device-sim/cli/help.js';

function run(argv: string[]): CliRun {
  const parsed = parseCli(argv);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(parsed)}`);
  return parsed.run;
}

function error(argv: string[]): string {
  const parsed = parseCli(argv);
  if (parsed.kind !== 'error') throw new Error(`expected an error, got ${parsed.kind}`);
  return parsed.message;
}

describe('parseCli', () => {
  it('fills defaults', () => {
    const { fleet, summaryFile, credentials } = run([]);
    expect(credentials).toEqual({ source: 'none' });
    expect(fleet).toMatchObject({
      url: 'mqtt://127.0.0.1:1883',
      devices: 10,
      ratePerSec: 1,
      seed: 1,
      qos: 1,
      faults: 0.1,
      speed: 1,
      prefix: 'sim-',
      rampPerSec: 200,
      durationMs: undefined,
      startMs: undefined,
    });
    expect(summaryFile).toBeUndefined();
  });

  it('reads provisioning flags', () => {
    const { credentials } = run([
      '--credentials',
      'provision',
      '--hub',
      'http://127.0.0.1:9999',
      '--credentials-file',
      '/tmp/c.json',
    ]);
    expect(credentials).toEqual({
      source: 'provision',
      hubUrl: 'http://127.0.0.1:9999',
      file: '/tmp/c.json',
    });
    expect(error(['--credentials', 'provision', '--hub', 'ftp://x'])).toMatch(/^--hub: /);
  });

  it('maps every flag', () => {
    const { fleet, summaryFile } = run([
      '--devices=500',
      '--rate',
      '2.5',
      '--duration',
      '2m',
      '--seed',
      '7',
      '--qos',
      '0',
      '--faults',
      '0.25',
      '--speed',
      '3600',
      '--start',
      '2025-01-01T00:00:00Z',
      '--horizon',
      '3d',
      '--url',
      'ws://127.0.0.1:8883/mqtt',
      '--prefix',
      'plant7-',
      '--ramp',
      '50',
      '--ground-truth',
      'truth.jsonl',
      '--summary',
      'summary.json',
      '--credentials',
      'none',
    ]);
    expect(fleet).toMatchObject({
      devices: 500,
      ratePerSec: 2.5,
      durationMs: 120_000,
      seed: 7,
      qos: 0,
      faults: 0.25,
      speed: 3600,
      startMs: Date.UTC(2025, 0, 1),
      horizonMs: 3 * 86_400_000,
      url: 'ws://127.0.0.1:8883/mqtt',
      prefix: 'plant7-',
      rampPerSec: 50,
      groundTruthFile: 'truth.jsonl',
    });
    expect(summaryFile).toBe('summary.json');
  });

  it('reads effect flags, none by default', () => {
    expect(run([]).fleet).toMatchObject({ effects: [], troubleRate: 1, sites: 4 });
    expect(run(['--effects', 'all', '--trouble-rate', '3', '--sites', '6']).fleet).toMatchObject({
      effects: [
        'weather',
        'duty',
        'pump-curves',
        'motor-physics',
        'glitches',
        'dropouts',
        'late-readings',
        'faults-extended',
      ],
      troubleRate: 3,
      sites: 6,
    });
    expect(run(['--effects', 'weather,duty']).fleet.effects).toEqual(['weather', 'duty']);
    expect(error(['--effects', 'weather,rain'])).toMatch(/^--effects: unknown effect rain/);
    expect(error(['--sites', '0'])).toMatch(/^--sites: must be >= 1/);
  });

  it('asks for help', () => {
    expect(parseCli(['--help'])).toEqual({ kind: 'help' });
    expect(parseCli(['-h', '--devices', 'x'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--devices', '0'], /^--devices: must be >= 1 \(got "0"\)$/],
    [['--devices', '2.5'], /^--devices: expected an integer/],
    [['--rate', 'fast'], /^--rate: expected a number \(got "fast"\)$/],
    [['--rate', '0'], /^--rate: must be > 0/],
    [['--qos', '2'], /^--qos: expected 0 or 1/],
    [['--faults', '1.5'], /^--faults: must be <= 1/],
    [['--speed', '-3'], /^--speed: a value starting with '-' must be written --speed=VALUE$/],
    [['--speed=-3'], /^--speed: must be > 0/],
    [['--duration', '10 minutes'], /^--duration: expected a duration/],
    [['--start', 'soon'], /^--start: expected an ISO 8601 time/],
    [['--url', 'http://127.0.0.1'], /^--url: expected a broker URL/],
    [['--prefix', 'a/b'], /^--prefix: must match/],
    [['--credentials', 'registry'], /^--credentials: expected one of: none/],
    [['--devcies', '3'], /^--devcies: unknown option/],
    [['--devices'], /^--devices: needs a value$/],
    [['10'], /^unexpected argument 10/],
  ])('%j gives one line naming the flag', (argv, message) => {
    const text = error(argv);
    expect(text).toMatch(message);
    expect(text).not.toContain('\n');
  });

  it('documents every flag in --help', () => {
    const help = helpText();
    for (const name of Object.keys(FLAGS)) expect(help).toContain(`--${name} `);
    expect(help).toContain('--help');
  });
});
