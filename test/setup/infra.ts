import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Brings the real Kafka and InfluxDB up once, through the same script users run. */
export default async function setup(): Promise<void> {
  if (process.env.IOT_TEST_SKIP_INFRA === '1') return;
  await run('bash', ['infra/up.sh'], { timeout: 300_000 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`infra:up failed:\n${error.stderr ?? error.message}`);
  });
}
