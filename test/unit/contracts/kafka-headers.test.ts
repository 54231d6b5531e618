import { describe, expect, it } from 'vitest';
import {
  SCHEMAS,
  TOPIC_KINDS,
  buildHeaders,
  checkSchemaCompatible,
  parseSchemaHeader,
} from '../../../contracts/index.js';

describe('buildHeaders', () => {
  it('sets every header', () => {
    expect(buildHeaders({ deviceId: 'd1', schema: SCHEMAS.telemetry, gatewayId: 'g1' })).toEqual({
      'device-id': 'd1',
      'content-type': 'application/json',
      schema: 'telemetry/1',
      'gateway-id': 'g1',
    });
  });

  it('omits absent optional headers', () => {
    expect(buildHeaders({ deviceId: 'd1', schema: SCHEMAS.commands })).toEqual({
      'device-id': 'd1',
      'content-type': 'application/json',
      schema: 'command/1',
    });
  });
});

describe('SCHEMAS', () => {
  it('has a parsable schema for every topic kind', () => {
    for (const kind of TOPIC_KINDS) expect(parseSchemaHeader(SCHEMAS[kind])).not.toBeNull();
  });
});

describe('parseSchemaHeader', () => {
  it('parses strings, buffers, minor versions and repeated headers', () => {
    expect(parseSchemaHeader('telemetry/1')).toEqual({ name: 'telemetry', major: 1 });
    expect(parseSchemaHeader(Buffer.from('command-status/2'))).toEqual({ name: 'command-status', major: 2 });
    expect(parseSchemaHeader('event/3.4')).toEqual({ name: 'event', major: 3 });
    expect(parseSchemaHeader(['event/1', Buffer.from('event/2')])).toEqual({ name: 'event', major: 2 });
  });

  it.each([
    undefined,
    '',
    'telemetry',
    'telemetry/',
    'telemetry/x',
    '/1',
    'Telemetry/1',
    'telemetry/01',
    'a/1/2',
  ])('returns null for %j', (value) => {
    expect(parseSchemaHeader(value)).toBeNull();
  });
});

describe('checkSchemaCompatible', () => {
  it('accepts the same major, any minor, and a missing header', () => {
    expect(checkSchemaCompatible('telemetry/1', SCHEMAS.telemetry)).toEqual({ ok: true });
    expect(checkSchemaCompatible(Buffer.from('telemetry/1.7'), SCHEMAS.telemetry)).toEqual({ ok: true });
    expect(checkSchemaCompatible(undefined, SCHEMAS.telemetry)).toEqual({ ok: true });
  });

  it('rejects another major, another schema, and garbage with a reason', () => {
    const major = checkSchemaCompatible('telemetry/2', SCHEMAS.telemetry);
    expect(major).toMatchObject({ ok: false, reason: expect.stringContaining('telemetry/2') as unknown });
    expect(checkSchemaCompatible('event/1', SCHEMAS.telemetry).ok).toBe(false);
    expect(checkSchemaCompatible('not a schema', SCHEMAS.telemetry).ok).toBe(false);
    expect(checkSchemaCompatible('', SCHEMAS.telemetry).ok).toBe(false);
  });

  it('throws for an invalid expected schema (a programming error)', () => {
    expect(() => checkSchemaCompatible('telemetry/1', 'telemetry')).toThrow(TypeError);
  });
});
