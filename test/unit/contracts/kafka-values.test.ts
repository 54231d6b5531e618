import { describe, expect, it } from 'vitest';
import {
  COMMAND_STATUSES,
  TERMINAL_COMMAND_STATUSES,
  alertRecordSchema,
  commandRecordSchema,
  commandStatusRecordSchema,
  deadLetterRecordSchema,
  deviceRegistryRecordSchema,
  eventRecordSchema,
  isTerminalCommandStatus,
  presenceRecordSchema,
  telemetryRecordSchema,
} from '../../../contracts/index.js';

const T = 1_700_000_000_000;

describe('telemetryRecordSchema', () => {
  const valid = { deviceId: 'd1', ts: T, receivedAt: T + 5, seq: 3, metrics: { temp: 20 } };
  it('accepts a record with and without seq', () => {
    expect(telemetryRecordSchema.parse(valid)).toEqual(valid);
    expect(telemetryRecordSchema.safeParse({ ...valid, seq: undefined }).success).toBe(true);
  });
  it.each([
    ['bad device id', { ...valid, deviceId: 'a/b' }],
    ['missing ts', { ...valid, ts: undefined }],
    ['missing receivedAt', { ...valid, receivedAt: undefined }],
    ['empty metrics', { ...valid, metrics: {} }],
  ])('rejects %s', (_label, record) => {
    expect(telemetryRecordSchema.safeParse(record).success).toBe(false);
  });
  it('strips fields added by a newer minor version', () => {
    expect(telemetryRecordSchema.parse({ ...valid, unit: 'C' })).toEqual(valid);
  });
});

describe('eventRecordSchema', () => {
  it('defaults severity to info', () => {
    const parsed = eventRecordSchema.parse({ deviceId: 'd1', ts: T, receivedAt: T, type: 'boot' });
    expect(parsed.severity).toBe('info');
  });
  it('rejects an unknown severity and a missing type', () => {
    const base = { deviceId: 'd1', ts: T, receivedAt: T };
    expect(eventRecordSchema.safeParse({ ...base, type: 'x', severity: 'cleared' }).success).toBe(false);
    expect(eventRecordSchema.safeParse(base).success).toBe(false);
  });
});

describe('presenceRecordSchema', () => {
  it('accepts connected and disconnected', () => {
    const base = { deviceId: 'd1', gatewayId: 'host-1883', at: T };
    expect(presenceRecordSchema.safeParse({ ...base, status: 'connected' }).success).toBe(true);
    expect(
      presenceRecordSchema.safeParse({ ...base, status: 'disconnected', reason: 'keepalive' }).success,
    ).toBe(true);
  });
  it('rejects other statuses and a missing gateway', () => {
    expect(
      presenceRecordSchema.safeParse({ deviceId: 'd1', gatewayId: 'g', at: T, status: 'gone' }).success,
    ).toBe(false);
    expect(presenceRecordSchema.safeParse({ deviceId: 'd1', at: T, status: 'connected' }).success).toBe(
      false,
    );
  });
});

describe('commandRecordSchema', () => {
  const valid = {
    id: 'c-1',
    deviceId: 'd1',
    name: 'reboot',
    params: {},
    issuedAt: T,
    expiresAt: T + 60_000,
    issuedBy: 'operator',
  };
  it('accepts a command', () => {
    expect(commandRecordSchema.parse(valid)).toEqual(valid);
  });
  it.each([
    ['invalid name', { ...valid, name: 'Reboot' }],
    ['expiry before issue', { ...valid, expiresAt: T - 1 }],
    ['missing issuedBy', { ...valid, issuedBy: undefined }],
    ['params not an object', { ...valid, params: 'x' }],
  ])('rejects %s', (_label, record) => {
    expect(commandRecordSchema.safeParse(record).success).toBe(false);
  });
});

describe('command statuses', () => {
  it('lists the lifecycle and its terminal states', () => {
    expect([...COMMAND_STATUSES]).toEqual([
      'queued',
      'sent',
      'delivered',
      'succeeded',
      'failed',
      'rejected',
      'expired',
    ]);
    expect(COMMAND_STATUSES.filter(isTerminalCommandStatus)).toEqual([
      'succeeded',
      'failed',
      'rejected',
      'expired',
    ]);
    expect(TERMINAL_COMMAND_STATUSES.has('sent')).toBe(false);
  });

  it('validates status records', () => {
    for (const status of COMMAND_STATUSES) {
      expect(commandStatusRecordSchema.safeParse({ id: 'c1', deviceId: 'd1', status, at: T }).success).toBe(
        true,
      );
    }
    const full = { id: 'c1', deviceId: 'd1', status: 'sent', at: T, detail: 'x', gatewayId: 'g1' };
    expect(commandStatusRecordSchema.parse(full)).toEqual(full);
    expect(
      commandStatusRecordSchema.safeParse({ id: 'c1', deviceId: 'd1', status: 'lost', at: T }).success,
    ).toBe(false);
  });
});

describe('alertRecordSchema', () => {
  const valid = {
    deviceId: 'd1',
    at: T,
    kind: 'bearing-wear',
    severity: 'warning',
    metric: 'vibration',
    score: 0.83,
    rulHours: 12.5,
    message: 'vibration trending up',
  };
  it('accepts an alert with and without optional fields', () => {
    expect(alertRecordSchema.parse(valid)).toEqual(valid);
    const { metric: _m, rulHours: _r, ...minimal } = valid;
    expect(alertRecordSchema.safeParse(minimal).success).toBe(true);
  });
  it.each([
    ['unknown severity', { ...valid, severity: 'cleared' }],
    ['negative rul', { ...valid, rulHours: -1 }],
    ['missing score', { ...valid, score: undefined }],
    ['empty message', { ...valid, message: '' }],
  ])('rejects %s', (_label, record) => {
    expect(alertRecordSchema.safeParse(record).success).toBe(false);
  });
});

describe('deadLetterRecordSchema', () => {
  const valid = { reason: 'invalid_json: not JSON', source: 'gateway', payloadBase64: 'e30=', at: T };
  it('accepts minimal and full records, including ids that failed validation', () => {
    expect(deadLetterRecordSchema.safeParse(valid).success).toBe(true);
    const full = { ...valid, topic: 'devices/x/y', deviceId: 'not/valid', clientId: 'c', payloadBase64: '' };
    expect(deadLetterRecordSchema.safeParse(full).success).toBe(true);
  });
  it('rejects non-base64 payloads and a missing reason', () => {
    expect(deadLetterRecordSchema.safeParse({ ...valid, payloadBase64: '{}' }).success).toBe(false);
    expect(deadLetterRecordSchema.safeParse({ ...valid, reason: '' }).success).toBe(false);
  });
});

describe('deviceRegistryRecordSchema', () => {
  const secretHash = 'scrypt$16384$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNo';
  it('accepts a record and defaults attributes', () => {
    const parsed = deviceRegistryRecordSchema.parse({ deviceId: 'd1', secretHash, createdAt: T });
    expect(parsed.attributes).toEqual({});
    const withAttrs = { deviceId: 'd1', secretHash, createdAt: T, attributes: { model: 'pump' } };
    expect(deviceRegistryRecordSchema.parse(withAttrs)).toEqual(withAttrs);
  });
  it.each([
    '',
    'plain-secret',
    'bcrypt$10$abc',
    'scrypt$16384$8$1$salt',
    'scrypt$0$8$1$YQ==$YQ==',
    'scrypt$N$r$p$a$b',
  ])('rejects secretHash %j', (hash) => {
    expect(
      deviceRegistryRecordSchema.safeParse({ deviceId: 'd1', secretHash: hash, createdAt: T }).success,
    ).toBe(false);
  });
});
