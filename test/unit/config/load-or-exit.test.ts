import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EX_CONFIG } from '../../../config/index.js';

const script = fileURLToPath(new URL('./fixtures/load-or-exit.ts', import.meta.url));

function run(env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('loadConfigOrExit', () => {
  it('exits 78 with one readable line and no stack trace', () => {
    const { status, stdout, stderr } = run({ MQTT_PORT: 'abc' });
    expect(status).toBe(EX_CONFIG);
    expect(EX_CONFIG).toBe(78);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'invalid configuration: MQTT_PORT (mqtt.port): expected an integer port 0-65535, got "abc"\n',
    );
  });

  it('prints one line per problem', () => {
    const { status, stderr } = run({ MQTT_PORT: 'abc', KAFKA_BROKERS: '' });
    expect(status).toBe(EX_CONFIG);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^invalid configuration: [A-Z_]+ \([a-z]+\.[A-Za-z]+\): /);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('returns the config when it is valid', () => {
    const { status, stdout } = run({ MQTT_PORT: '1999' });
    expect(status).toBe(0);
    expect(stdout).toBe('loaded mqtt.port=1999\n');
  });
});
