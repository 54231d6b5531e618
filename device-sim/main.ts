import { writeFile } from 'node:fs/promises';
import { parseCli } from './cli/args.js';
import { helpText } from './cli/help.js';
import { formatStatus } from './cli/status-line.js';
import { startFleet } from './fleet-runner.js';
import { generateFleet } from './fleet.js';
import { noCredentials, type CredentialSource } from './runtime/credentials.js';
import { provisioningCredentials } from './runtime/provisioning.js';
import type { DeviceSpec } from './model/types.js';
import type { SimClock } from './sim-clock.js';

const EXIT_USAGE = 2;

async function main(): Promise<void> {
  const parsed = parseCli(process.argv.slice(2));
  if (parsed.kind === 'help') {
    process.stdout.write(helpText());
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`sim: ${parsed.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  const { fleet: options, summaryFile } = parsed.run;

  const tty = process.stderr.isTTY;
  let statusShown = false;
  const clearStatus = (): void => {
    if (statusShown) process.stderr.write('\r\x1b[2K');
    statusShown = false;
  };
  const say = (message: string): void => {
    clearStatus();
    process.stderr.write(`sim: ${message}\n`);
  };

  let credentials: CredentialSource = noCredentials;
  if (parsed.run.credentials.source === 'provision') {
    const token = process.env.HUB_OPERATOR_TOKEN;
    if (!token) {
      process.stderr.write('sim: --credentials provision needs the operator token in HUB_OPERATOR_TOKEN\n');
      process.exitCode = EXIT_USAGE;
      return;
    }
    const specs = new Map(
      generateFleet({
        devices: options.devices,
        seed: options.seed ?? 1,
        faults: options.faults ?? 0.1,
        prefix: options.prefix ?? 'sim-',
        startMs: 0,
        horizonMs: 86_400_000,
      }).map((s) => [s.deviceId, s.machineType]),
    );
    credentials = await provisioningCredentials({
      hubUrl: parsed.run.credentials.hubUrl,
      operatorToken: token,
      file: parsed.run.credentials.file,
      attributesFor: (deviceId) => ({ machineType: specs.get(deviceId) ?? 'unknown', simulated: 'true' }),
    });
  }
  const fleet = await startFleet({ ...options, credentials, onNotice: say });
  say(describeStart(fleet.specs, fleet.clock, options.durationMs, options.url));
  if (options.effects !== undefined && options.effects.length > 0)
    say(`effects: ${options.effects.join(', ')}`);

  let lastSent = 0;
  let lastAt = Date.now();
  const status = tty
    ? setInterval(() => {
        const s = fleet.stats();
        const now = Date.now();
        const rate = ((s.sent - lastSent) * 1000) / Math.max(1, now - lastAt);
        lastSent = s.sent;
        lastAt = now;
        process.stderr.write(`\r\x1b[2K${formatStatus(s, rate)}`);
        statusShown = true;
      }, 1000)
    : undefined;

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) process.exit(130);
    say(`${signal}: stopping (again to exit at once)`);
    void fleet.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const summary = await fleet.finished;
  clearInterval(status);
  clearStatus();
  if (summary.connectedOnce === 0)
    say(`no device could connect to ${options.url}; is the gateway running there?`);
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  if (summaryFile !== undefined) await writeFile(summaryFile, json, 'utf8');
  process.stdout.write(json);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

function describeStart(
  specs: readonly DeviceSpec[],
  clock: SimClock,
  durationMs: number | undefined,
  url: string,
): string {
  const faulty = specs.filter((s) => s.fault !== null);
  const start = new Date(clock.startSimMs).toISOString();
  let failing = '';
  if (durationMs !== undefined) {
    const simEnd = clock.startSimMs + durationMs * clock.speed;
    const inRun = faulty.filter((s) => (s.fault?.failureMs ?? Infinity) <= simEnd).length;
    failing = `, ${inRun} fail within this run${inRun === 0 && faulty.length > 0 ? ' (raise --speed or --duration)' : ''}`;
  }
  return `${specs.length} devices -> ${url}; ${faulty.length} degrade${failing}; simulated start ${start}, speed ${clock.speed}x`;
}

main().catch((err: unknown) => {
  process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
