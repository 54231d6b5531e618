import type { Config } from '../../config/index.js';
import { failure, success, type Result } from '../../common/result.js';
import { generateToken } from './token.js';

export type OperatorTokenResolution = Result<{ token: string; generated: boolean }, 'token_required'>;

/**
 * The configured operator token; in development a fresh one when none is configured, so a first
 * run works without setup. In production a missing token is a configuration error: an API that
 * provisions devices must never run open or with a token nobody wrote down.
 */
export function resolveOperatorToken(
  config: Pick<Config, 'hub' | 'app'>,
  generate: () => string = generateToken,
): OperatorTokenResolution {
  if (config.hub.operatorToken !== undefined)
    return success({ token: config.hub.operatorToken, generated: false });
  if (config.app.env === 'development') return success({ token: generate(), generated: true });
  return failure(
    'token_required',
    'HUB_OPERATOR_TOKEN (hub.operatorToken): required when APP_ENV=production; ' +
      'set it to a long random string such as the output of `openssl rand -base64 32`',
  );
}
