import { describe, expect, it } from 'vitest';
import { kafkaTopicNames, type DeadLetterRecord } from '../../../../contracts/index.js';
import { decodeRecord, encodeRecord, encodeTombstone } from '../../../../common/kafka/record-codec.js';

const topics = kafkaTopicNames('iot');
const record = {
  deviceId: 'pump-1',
  ts: 1_700_000_000_000,
  receivedAt: 1_700_000_000_100,
  metrics: { temperature_c: 40 },
};
const message = (
  value: unknown,
  headers: Record<string, string> = { schema: 'telemetry/1' },
  key: string | null = 'pump-1',
) => ({
  key: key === null ? null : Buffer.from(key),
  value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
  headers,
});

describe('decodeRecord', () => {
  it('accepts what the gateway writes, and a minor version or a missing header', () => {
    expect(decodeRecord('telemetry', message(record))).toEqual({ ok: true, value: record, key: 'pump-1' });
    expect(decodeRecord('telemetry', message(record, { schema: 'telemetry/1.3' })).ok).toBe(true);
    expect(decodeRecord('telemetry', message(record, {})).ok).toBe(true);
    expect(decodeRecord('telemetry', message(record, {}, null)).ok).toBe(true);
  });

  it('refuses, with a code and a reason, bad JSON, an unknown major version, an invalid record and a mismatched key', () => {
    expect(decodeRecord('telemetry', message('{oops'))).toMatchObject({
      ok: false,
      code: 'invalid_json',
      deviceId: 'pump-1',
      reason: /invalid_json/,
    });
    expect(decodeRecord('telemetry', message(record, { schema: 'telemetry/2' }))).toMatchObject({
      ok: false,
      code: 'schema_mismatch',
      reason: /unsupported schema version telemetry\/2/,
    });
    expect(decodeRecord('telemetry', message(record, { schema: 'alert/1' }))).toMatchObject({
      code: 'schema_mismatch',
    });
    expect(decodeRecord('telemetry', message({ ...record, metrics: {} }))).toMatchObject({
      ok: false,
      code: 'invalid_payload',
      reason: /metrics/,
    });
    expect(decodeRecord('telemetry', message(record, { schema: 'telemetry/1' }, 'pump-2'))).toMatchObject({
      ok: false,
      code: 'key_mismatch',
      reason: /key "pump-2"/,
    });
    expect(decodeRecord('telemetry', { key: null, value: null })).toEqual({
      ok: false,
      code: 'no_value',
      reason: 'record has no value',
    });
  });

  it('names the device a refused record claims in its header before its key', () => {
    const claimed = decodeRecord('telemetry', {
      key: Buffer.from('by-key'),
      value: Buffer.from('{oops'),
      headers: { 'device-id': 'by-header' },
    });
    expect(claimed).toMatchObject({ ok: false, deviceId: 'by-header' });
  });

  it('bounds the JSON it parses', () => {
    const deep = `{"a":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(decodeRecord('commands', { value: Buffer.from(deep) })).toMatchObject({ code: 'invalid_payload' });
  });

  it('reads a registry tombstone as a deletion and refuses a registry record without a key', () => {
    expect(decodeRecord('devices', { key: Buffer.from('dev-1'), value: null })).toEqual({
      ok: true,
      value: null,
      key: 'dev-1',
    });
    expect(decodeRecord('devices', { key: null, value: null })).toMatchObject({ ok: false, code: 'no_key' });
    expect(decodeRecord('presence', { key: Buffer.from('dev-1'), value: null })).toMatchObject({
      code: 'no_value',
    });
  });
});

describe('encodeRecord', () => {
  it('keys a record by its device, on its kind topic, with the contract headers', () => {
    const out = encodeRecord('telemetry', record, { topics, gatewayId: 'gw-1' });
    expect(out).toMatchObject({
      topic: 'iot.telemetry',
      key: 'pump-1',
      headers: {
        'content-type': 'application/json',
        schema: 'telemetry/1',
        'device-id': 'pump-1',
        'gateway-id': 'gw-1',
      },
    });
    expect(decodeRecord('telemetry', { ...out, key: Buffer.from(out.key) })).toEqual({
      ok: true,
      value: record,
      key: 'pump-1',
    });
  });

  it('keys a dead letter from a client without a device by its client id, and leaves out absent headers', () => {
    const letter: DeadLetterRecord = {
      reason: 'invalid_json: nope',
      source: 'gateway/gw-1',
      clientId: 'not a device',
      payloadBase64: '',
      payloadBytes: 0,
      payloadSha256: '0'.repeat(64),
      payloadTruncated: false,
      at: 1,
    };
    const out = encodeRecord('deadLetter', letter, { topics });
    expect(out.key).toBe('not a device');
    expect(out.headers).toEqual({ 'content-type': 'application/json', schema: 'dead-letter/1' });
  });

  it('writes a registry tombstone with a null value', () => {
    expect(encodeTombstone('devices', 'dev-1', { topics: { devices: 'x.devices' } })).toEqual({
      topic: 'x.devices',
      key: 'dev-1',
      value: null,
      headers: { 'content-type': 'application/json', schema: 'device/1', 'device-id': 'dev-1' },
    });
  });
});
