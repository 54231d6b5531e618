import type { z } from 'zod';
import { readEnv, type EnvValue } from './env.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { CONFIG_FILE_ENV, readConfigFile } from './file.js';
import { RULE_ISSUE, SETTINGS, SETTINGS_BY_PATH, configSchema, type Config, type Setting } from './schema.js';

/** sysexits.h EX_CONFIG: lets supervisors tell a bad configuration from a crash. */
export const EX_CONFIG = 78;

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** A JSON file with the same nested shape as Config; defaults to $CONFIG_FILE. */
  file?: string;
}

/** Defaults, then the file, then environment variables. Throws ConfigError listing every problem. */
export function loadConfig(opts: LoadConfigOptions = {}): Config {
  const env = opts.env ?? process.env;
  const filePath = opts.file ?? env[CONFIG_FILE_ENV];
  const fileValues = filePath === undefined ? {} : readConfigFile(filePath);
  const envValues = readEnv(SETTINGS, env);

  const result = configSchema.safeParse(overlay(fileValues, envValues));
  if (result.success) return result.data;
  const fromEnv = new Map(envValues.map((v) => [v.setting.path, v]));
  throw new ConfigError(describeIssues(result.error.issues, fromEnv, fileValues, filePath));
}

export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig({ env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const issue of err.issues) process.stderr.write(`invalid configuration: ${issue.message}\n`);
    process.exit(EX_CONFIG);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function overlay(file: Record<string, unknown>, envValues: readonly EnvValue[]): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...file };
  for (const { setting, value } of envValues) {
    const current = merged[setting.section] ?? {};
    // A section that is not an object is reported by the schema; the variable cannot fix it.
    if (!isPlainObject(current)) continue;
    merged[setting.section] = { ...current, [setting.key]: value };
  }
  return merged;
}

function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  fromEnv: ReadonlyMap<string, EnvValue>,
  file: Record<string, unknown>,
  filePath: string | undefined,
): ConfigIssue[] {
  const inFile = `config file ${filePath ?? ''}`.trim();
  const out: ConfigIssue[] = [];
  const reported = new Set<string>();
  const add = (setting: string, message: string): void => {
    if (reported.has(message)) return;
    reported.add(message);
    out.push({ setting, message });
  };

  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key].map(String).join('.');
        add(path, `${inFile}: unknown setting "${path}"`);
      }
      continue;
    }
    const [sectionName, key] = issue.path;
    const setting =
      typeof sectionName === 'string' && typeof key === 'string'
        ? SETTINGS_BY_PATH.get(`${sectionName}.${key}`)
        : undefined;
    if (setting === undefined) {
      const path = issue.path.map(String).join('.');
      add(path, `${inFile}: "${path}" must be an object of settings`);
      continue;
    }
    const isRule = issue.code === 'custom' && issue.params?.[RULE_ISSUE] === true;
    const detail = isRule
      ? issue.message
      : `expected ${setting.expected}, got ${got(setting, fromEnv, file, inFile)}`;
    add(setting.env, `${setting.env} (${setting.path}): ${detail}`);
  }
  return out;
}

// Configuration errors reach terminals, CI logs and supervisors' logs: a secret is named, never shown.
const SECRET_NOT_SHOWN = 'a value that is not shown (secret)';

function got(
  setting: Setting,
  fromEnv: ReadonlyMap<string, EnvValue>,
  file: Record<string, unknown>,
  inFile: string,
): string {
  const envValue = fromEnv.get(setting.path);
  if (envValue !== undefined) return setting.secret ? SECRET_NOT_SHOWN : JSON.stringify(envValue.raw);
  if (setting.secret) return `${SECRET_NOT_SHOWN} in ${inFile}`;
  const section = file[setting.section];
  const value = isPlainObject(section) ? section[setting.key] : undefined;
  const shown = JSON.stringify(value) ?? String(value);
  return `${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown} in ${inFile}`;
}
