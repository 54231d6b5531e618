import { parseArgs } from 'node:util';
import { failure, success, type Result } from '../../common/result.js';

export type DevicesCommand =
  | { kind: 'add'; id: string; attributes: Record<string, string> }
  | { kind: 'list' }
  | { kind: 'remove'; id: string }
  | { kind: 'rotate'; id: string }
  | { kind: 'help' };

export interface DevicesInvocation {
  command: DevicesCommand;
  url?: string;
  token?: string;
}

export const USAGE = `usage: npm run devices -- <command> [options]

commands:
  add <id> [--attr key=value ...]   provision a device; prints its secret (shown only once)
  list                              list devices (no secrets)
  remove <id>                       delete a device
  rotate <id>                       give a device a new secret; prints it (shown only once)

options:
  --url <url>       hub address (default http://127.0.0.1:$HUB_PORT)
  --token <token>   operator token (default $HUB_OPERATOR_TOKEN; prefer the variable, since
                    arguments are visible to other users of this machine)
`;

function parseAttributes(pairs: readonly string[]): Result<Record<string, string>, 'invalid_attribute'> {
  const attributes = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return failure('invalid_attribute', `--attr expects key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq);
    if (attributes.has(key)) return failure('invalid_attribute', `--attr ${key} is given more than once`);
    attributes.set(key, pair.slice(eq + 1));
  }
  return success(Object.fromEntries(attributes));
}

/** Reads the command line of the devices CLI; never exits, so it is unit tested. */
export function parseDevicesArgs(argv: readonly string[]): DevicesInvocation | { error: string } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        attr: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  const common = {
    ...(values.url === undefined ? {} : { url: values.url }),
    ...(values.token === undefined ? {} : { token: values.token }),
  };
  if (values.help) return { ...common, command: { kind: 'help' } };

  const [name, ...rest] = positionals;
  const attrs = values.attr ?? [];
  if (name !== 'add' && attrs.length > 0) return { error: '--attr only applies to add' };
  const expectArgs = (n: number): string | undefined =>
    rest.length === n ? undefined : `${name} expects ${n === 0 ? 'no arguments' : 'a device id'}`;

  switch (name) {
    case 'add': {
      const problem = expectArgs(1);
      if (problem !== undefined) return { error: problem };
      const parsedAttributes = parseAttributes(attrs);
      if (!parsedAttributes.ok) return { error: parsedAttributes.reason };
      return { ...common, command: { kind: 'add', id: rest[0]!, attributes: parsedAttributes.value } };
    }
    case 'list': {
      const problem = expectArgs(0);
      return problem === undefined ? { ...common, command: { kind: 'list' } } : { error: problem };
    }
    case 'remove':
    case 'rotate': {
      const problem = expectArgs(1);
      return problem === undefined
        ? { ...common, command: { kind: name, id: rest[0]! } }
        : { error: problem };
    }
    case undefined:
      return { error: 'missing command' };
    default:
      return { error: `unknown command ${JSON.stringify(name)}` };
  }
}
