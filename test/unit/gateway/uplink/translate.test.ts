import { describe, expect, it } from 'vitest';
import { DEFAULT_JSON_LIMITS, kafkaTopicNames, type JsonLimits } from '../../../../contracts/index.js';
import {
  translateUplink,
  type UplinkContext,
  type UplinkResult,
} from '../../../../gateway/uplink/translate.js';

const DEEP = 20_000;

function context(jsonLimits: JsonLimits = DEFAULT_JSON_LIMITS): UplinkContext {
  return {
    deviceId: 'pump-1',
    gatewayId: 'gw-1',
    topics: kafkaTopicNames('iot'),
    receivedAt: 1_700_000_000_000,
    maxPayloadBytes: 1024 * 1024,
    jsonLimits,
  };
}

function translate(
  kind: 'telemetry' | 'events' | 'command-results',
  text: string,
  ctx = context(),
): UplinkResult {
  let result: UplinkResult | undefined;
  expect(() => (result = translateUplink(kind, Buffer.from(text), ctx))).not.toThrow();
  if (result === undefined) throw new Error('translateUplink returned nothing');
  return result;
}

describe('translateUplink with hostile payloads', () => {
  // The regression: this event used to pass validation and overflow the stack in JSON.stringify.
  it('refuses an event whose data is nested 20,000 deep, without throwing', () => {
    const deep = '['.repeat(DEEP) + ']'.repeat(DEEP);
    const result = translate('events', `{"type":"x","data":{"v":${deep}}}`);
    expect(result).toMatchObject({ ok: false, code: 'invalid_payload' });
    expect(!result.ok && result.reason).toMatch(/^data\.v\[0\].*\(maxDepth\)$/);
  });

  it('refuses deep command-result data and deep telemetry the same way', () => {
    const deep = '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP);
    expect(translate('command-results', `{"id":"c1","status":"succeeded","data":${deep}}`)).toMatchObject({
      ok: false,
      code: 'invalid_payload',
    });
    expect(translate('telemetry', `{"metrics":${deep}}`)).toMatchObject({
      ok: false,
      code: 'invalid_payload',
    });
  });

  it('applies the limits it is given', () => {
    const batch = JSON.stringify([{ metrics: { a: 1 } }, { metrics: { a: 2 } }, { metrics: { a: 3 } }]);
    expect(translate('telemetry', batch)).toMatchObject({ ok: true });
    const result = translate('telemetry', batch, context({ ...DEFAULT_JSON_LIMITS, maxArrayLength: 2 }));
    expect(result).toEqual({
      ok: false,
      code: 'invalid_payload',
      reason: '(root): array of 3 items is longer than 2 (maxArrayLength)',
    });
  });

  it('refuses an Object.prototype name as a metric, and __proto__ in event data', () => {
    expect(translate('telemetry', '{"metrics":{"toString":1}}')).toMatchObject({
      ok: false,
      code: 'invalid_payload',
      reason: expect.stringMatching(/^metrics\.toString: metric name must not be/) as string,
    });
    expect(translate('events', '{"type":"x","data":{"__proto__":{"admin":true}}}')).toEqual({
      ok: false,
      code: 'invalid_payload',
      reason: 'data.__proto__: the key "__proto__" is not allowed',
    });
  });

  it('carries constructor and prototype keys in event data to Kafka as plain data', () => {
    const data = { constructor: { prototype: { polluted: 1 } }, prototype: 2 };
    const result = translate('events', JSON.stringify({ type: 'x', data }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = JSON.parse(result.records[0]?.value.toString() ?? '{}') as { data: unknown };
    expect(value.data).toEqual(data);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('translateUplink of a command result', () => {
  it('returns the status it wrote into the record, equal to the record read back', () => {
    const result = translate('command-results', '{"id":"c1","status":"failed","detail":"valve stuck"}');
    if (!result.ok) throw new Error(result.reason);
    expect(result.commandStatus).toEqual({
      id: 'c1',
      deviceId: 'pump-1',
      status: 'failed',
      at: 1_700_000_000_000,
      detail: 'valve stuck',
      gatewayId: 'gw-1',
    });
    expect(JSON.parse(result.records[0]?.value.toString() ?? 'null')).toEqual(result.commandStatus);
  });

  it('gives no command status for telemetry or events', () => {
    const telemetry = translate('telemetry', '{"ts":1,"metrics":{"temp":20}}');
    const event = translate('events', '{"type":"door-open"}');
    expect(telemetry).toMatchObject({ ok: true });
    expect(event).toMatchObject({ ok: true });
    expect(telemetry.ok && telemetry.commandStatus).toBeUndefined();
    expect(event.ok && event.commandStatus).toBeUndefined();
  });
});
