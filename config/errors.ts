import { AppError } from '../common/errors.js';

export interface ConfigIssue {
  /** The environment variable, or the config path when no variable applies. */
  setting: string;
  /** One self-contained line naming the variable, the config path and the expected form. */
  message: string;
}

export class ConfigError extends AppError<'invalid_config'> {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super('invalid_config', issues.map((i) => i.message).join('\n'), { retriable: false });
  }
}
