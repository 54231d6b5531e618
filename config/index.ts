export { ConfigError, type ConfigIssue } from './errors.js';
export { CONFIG_FILE_ENV } from './file.js';
export { EX_CONFIG, loadConfig, loadConfigOrExit, type LoadConfigOptions } from './load.js';
export {
  SETTINGS,
  SETTINGS_BY_PATH,
  WORKER_SPLIT_LIMITS,
  configSchema,
  type Config,
  type Setting,
} from './schema.js';
export type { EnvType, SettingMeta } from './setting.js';
