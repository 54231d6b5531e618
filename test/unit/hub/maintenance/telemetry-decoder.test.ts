import { describe, expect, it } from 'vitest';
import { decodeTelemetry } from '../../../../hub/maintenance/telemetry-decoder.js';

const record = {
  deviceId: 'pump-1',
  ts: 1_700_000_000_000,
  receivedAt: 1_700_000_000_100,
  metrics: { temperature_c: 40 },
};
const message = (
  value: unknown,
  headers: Record<string, string> = { schema: 'telemetry/1' },
  key = 'pump-1',
) => ({
  key: Buffer.from(key),
  value: typeof value === 'string' ? Buffer.from(value) : Buffer.from(JSON.stringify(value)),
  headers,
});

describe('decodeTelemetry', () => {
  it('accepts what the gateway writes, and a minor version or a missing header', () => {
    expect(decodeTelemetry(message(record))).toEqual({ ok: true, record });
    expect(decodeTelemetry(message(record, { schema: 'telemetry/1.3' })).ok).toBe(true);
    expect(decodeTelemetry(message(record, {})).ok).toBe(true);
  });

  it('refuses, with a reason, bad JSON, an unknown major version, an invalid record and a mismatched key', () => {
    expect(decodeTelemetry(message('{oops'))).toMatchObject({
      ok: false,
      deviceId: 'pump-1',
      reason: /invalid_json/,
    });
    expect(decodeTelemetry(message(record, { schema: 'telemetry/2' }))).toMatchObject({
      ok: false,
      reason: /unsupported schema version telemetry\/2/,
    });
    expect(decodeTelemetry(message({ ...record, metrics: {} }))).toMatchObject({
      ok: false,
      reason: /metrics/,
    });
    expect(decodeTelemetry(message(record, { schema: 'telemetry/1' }, 'pump-2'))).toMatchObject({
      ok: false,
      reason: /key "pump-2"/,
    });
    expect(decodeTelemetry({ key: null, value: null })).toEqual({ ok: false, reason: 'record has no value' });
  });
});
