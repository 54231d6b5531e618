import { loadConfigOrExit } from '../config/index.js';
import { USAGE, parseDevicesArgs, type DevicesCommand } from './cli/args.js';
import { HubApiError, HubClient, HubUnreachableError } from './cli/hub-client.js';

// sysexits.h, as the config loader uses EX_CONFIG.
const EX_USAGE = 64;
const EX_UNAVAILABLE = 69;

function fail(message: string, code: number): never {
  process.stderr.write(`devices: ${message}\n`);
  process.exit(code);
}

async function run(client: HubClient, command: Exclude<DevicesCommand, { kind: 'help' }>): Promise<unknown> {
  switch (command.kind) {
    case 'add':
      return client.addDevice(command.id, command.attributes);
    case 'list':
      return client.listDevices();
    case 'remove':
      await client.removeDevice(command.id);
      return { id: command.id, removed: true };
    case 'rotate':
      return client.rotateSecret(command.id);
  }
}

const invocation = parseDevicesArgs(process.argv.slice(2));
if ('error' in invocation) {
  process.stderr.write(`devices: ${invocation.error}\n\n${USAGE}`);
  process.exit(EX_USAGE);
}
const { command } = invocation;
if (command.kind === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}

const config = loadConfigOrExit();
const token = invocation.token ?? config.hub.operatorToken;
if (token === undefined) fail('no operator token: set HUB_OPERATOR_TOKEN or pass --token', EX_USAGE);
const url = invocation.url ?? `http://127.0.0.1:${config.hub.port}`;
if (!URL.canParse(url)) fail(`--url ${JSON.stringify(url)} is not a URL`, EX_USAGE);

try {
  const result = await run(new HubClient(url, token), command);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (error) {
  if (error instanceof HubApiError) fail(`${command.kind} failed: ${error.message}`, 1);
  if (error instanceof HubUnreachableError) fail(error.message, EX_UNAVAILABLE);
  throw error;
}
