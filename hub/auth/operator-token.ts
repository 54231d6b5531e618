import type { Config } from '../../config/index.js';
import { generateToken } from './token.js';

export type OperatorTokenResolution =
  { ok: true; token: string; generated: boolean } | { ok: false; message: string };

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
    return { ok: true, token: config.hub.operatorToken, generated: false };
  if (config.app.env === 'development') return { ok: true, token: generate(), generated: true };
  return {
    ok: false,
    message:
      'HUB_OPERATOR_TOKEN (hub.operatorToken): required when APP_ENV=production; ' +
      'set it to a long random string such as the output of `openssl rand -base64 32`',
  };
}
