import type { IncomingMessage } from 'node:http';
import { CONSOLE_BEARER_SUBPROTOCOL_PREFIX, CONSOLE_SUBPROTOCOL } from '../../contracts/index.js';
import { failure, success, type Failure, type Success } from '../../common/result.js';
import {
  OPERATOR_AUTH_REASONS,
  type OperatorAuthFailure,
  type OperatorAuthResult,
} from '../auth/operator-auth.js';

/** 400 when the console's subprotocol is not offered, 401 when the operator is not authenticated. */
export type UpgradeAuthResult =
  | Success<void>
  | Failure<'subprotocol_required', { status: 400 }>
  | Failure<OperatorAuthFailure, { status: 401 }>;

function unauthorized(code: OperatorAuthFailure): UpgradeAuthResult {
  return failure(code, OPERATOR_AUTH_REASONS[code], { status: 401 as const });
}

export interface UpgradeAuthDeps {
  /** The hub's check of an `Authorization` header. */
  authenticate(authorization: string | undefined): OperatorAuthResult;
  /** The hub's constant-time comparison with the operator token. */
  verifyToken(token: string): boolean;
}

/** RFC 6455 4.1: Sec-WebSocket-Protocol is a comma-separated list, possibly over several headers. */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const raw = req.headers['sec-websocket-protocol'];
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * An operator opens the console with `Authorization: Bearer <token>` or, from a browser, which
 * cannot set that header, with the subprotocols `iot-console.v1, bearer.<token>`. The hub selects
 * `iot-console.v1`, so the token is never echoed back in the handshake.
 */
export function authenticateUpgrade(req: IncomingMessage, deps: UpgradeAuthDeps): UpgradeAuthResult {
  const offered = offeredSubprotocols(req);
  if (offered.length > 0 && !offered.includes(CONSOLE_SUBPROTOCOL))
    return failure(
      'subprotocol_required',
      `offer the subprotocol ${CONSOLE_SUBPROTOCOL} (with bearer.<token> when not using an Authorization header)`,
      { status: 400 as const },
    );
  const header = req.headers.authorization;
  if (header !== undefined) {
    const result = deps.authenticate(header);
    return result.ok ? result : unauthorized(result.code);
  }
  const bearer = offered.find((p) => p.startsWith(CONSOLE_BEARER_SUBPROTOCOL_PREFIX));
  if (bearer === undefined) return unauthorized('missing_token');
  const token = bearer.slice(CONSOLE_BEARER_SUBPROTOCOL_PREFIX.length);
  if (token === '') return unauthorized('malformed_header');
  return deps.verifyToken(token) ? success(undefined) : unauthorized('wrong_token');
}
