import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { OPERATOR_AUTH_REASONS, operatorAuthenticator } from '../../../../hub/auth/operator-auth.js';
import { createTokenVerifier } from '../../../../hub/auth/token.js';
import { authenticateUpgrade, offeredSubprotocols } from '../../../../hub/console/upgrade-auth.js';

const TOKEN = 'unit-token_1';
const deps = { authenticate: operatorAuthenticator(TOKEN), verifyToken: createTokenVerifier(TOKEN) };
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('authenticateUpgrade', () => {
  it('accepts the token in the Authorization header or as a bearer subprotocol', () => {
    expect(authenticateUpgrade(request({ authorization: `Bearer ${TOKEN}` }), deps)).toEqual({ ok: true });
    expect(
      authenticateUpgrade(request({ 'sec-websocket-protocol': `iot-console.v1, bearer.${TOKEN}` }), deps),
    ).toEqual({ ok: true });
  });

  it('refuses a missing, malformed or wrong token with 401', () => {
    expect(authenticateUpgrade(request({}), deps)).toEqual({
      ok: false,
      status: 401,
      code: 'missing_token',
      reason: OPERATOR_AUTH_REASONS.missing_token,
    });
    expect(authenticateUpgrade(request({ authorization: 'Basic x' }), deps)).toMatchObject({
      code: 'malformed_header',
    });
    expect(authenticateUpgrade(request({ authorization: 'Bearer nope' }), deps)).toMatchObject({
      code: 'wrong_token',
    });
    expect(authenticateUpgrade(request({ 'sec-websocket-protocol': 'iot-console.v1' }), deps)).toMatchObject({
      code: 'missing_token',
    });
    expect(
      authenticateUpgrade(request({ 'sec-websocket-protocol': 'iot-console.v1, bearer.' }), deps),
    ).toMatchObject({
      status: 401,
    });
    expect(
      authenticateUpgrade(request({ 'sec-websocket-protocol': 'iot-console.v1, bearer.nope' }), deps),
    ).toMatchObject({ code: 'wrong_token' });
  });

  it('asks for the console subprotocol when others are offered without it', () => {
    expect(authenticateUpgrade(request({ 'sec-websocket-protocol': `bearer.${TOKEN}` }), deps)).toMatchObject(
      {
        ok: false,
        status: 400,
        code: 'subprotocol_required',
      },
    );
  });

  it('splits the offered subprotocols', () => {
    expect(offeredSubprotocols(request({ 'sec-websocket-protocol': ' a ,b,, c' }))).toEqual(['a', 'b', 'c']);
    expect(offeredSubprotocols(request({}))).toEqual([]);
  });
});
