import type { IncomingMessage } from 'node:http';
import { CONSOLE_BEARER_SUBPROTOCOL_PREFIX, CONSOLE_SUBPROTOCOL } from '../../contracts/index.js';
import type { OperatorAuthFailure, OperatorAuthResult } from '../auth/operator-auth.js';

export type UpgradeAuthResult =
  | { ok: true }
  | { ok: false; status: 400; reason: string }
  | { ok: false; status: 401; failure: OperatorAuthFailure };

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
    return {
      ok: false,
      status: 400,
      reason: `offer the subprotocol ${CONSOLE_SUBPROTOCOL} (with bearer.<token> when not using an Authorization header)`,
    };
  const header = req.headers.authorization;
  if (header !== undefined) {
    const result = deps.authenticate(header);
    return result.ok ? { ok: true } : { ok: false, status: 401, failure: result.failure };
  }
  const bearer = offered.find((p) => p.startsWith(CONSOLE_BEARER_SUBPROTOCOL_PREFIX));
  if (bearer === undefined) return { ok: false, status: 401, failure: 'missing_token' };
  const token = bearer.slice(CONSOLE_BEARER_SUBPROTOCOL_PREFIX.length);
  if (token === '') return { ok: false, status: 401, failure: 'malformed_header' };
  return deps.verifyToken(token) ? { ok: true } : { ok: false, status: 401, failure: 'wrong_token' };
}
