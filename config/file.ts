import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';

export const CONFIG_FILE_ENV = 'CONFIG_FILE';

function fail(message: string): never {
  throw new ConfigError([{ setting: CONFIG_FILE_ENV, message: `${CONFIG_FILE_ENV}: ${message}` }]);
}

// V8 quotes the text around an unexpected token (`Unexpected token 'x', "{"token": x..." is not
// valid JSON`), which may be a secret the file holds; positions and the token's kind stay.
function withoutQuotedText(message: string): string {
  return message
    .replace(/^(Unexpected token) .*? is not valid JSON$/s, '$1')
    .replace(/, ".*" is not valid JSON$/s, '');
}

/** Reads the JSON config file; its shape is checked with everything else by the schema. */
export function readConfigFile(path: string): Record<string, unknown> {
  if (path === '') fail('expected a path to a JSON file, got ""');
  const absolute = resolve(path);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    fail(`cannot read ${absolute}: ${code}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail(
      `${absolute} is not valid JSON: ${withoutQuotedText(err instanceof Error ? err.message : String(err))}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail(`${absolute} must contain a JSON object of sections such as {"mqtt": {"port": 1883}}`);
  }
  return json as Record<string, unknown>;
}
