import type { EnvType } from './setting.js';
import type { Setting } from './schema.js';

// Conversion is best effort: text that does not convert is passed on as is, so the schema
// rejects it with the same message a bad file value gets.
export function fromEnvText(envType: EnvType, raw: string): unknown {
  switch (envType) {
    case 'string':
      return raw;
    case 'integer':
      return /^-?\d{1,16}$/.test(raw) ? Number(raw) : raw;
    case 'list':
      // An empty variable is an empty list, never "unset": KAFKA_BROKERS= is a mistake to report.
      return raw === '' ? [] : raw.split(',').map((item) => item.trim());
  }
}

export interface EnvValue {
  setting: Setting;
  raw: string;
  value: unknown;
}

export function readEnv(settings: readonly Setting[], env: NodeJS.ProcessEnv): EnvValue[] {
  const values: EnvValue[] = [];
  for (const setting of settings) {
    const raw = env[setting.env];
    if (raw !== undefined) values.push({ setting, raw, value: fromEnvText(setting.envType, raw) });
  }
  return values;
}
