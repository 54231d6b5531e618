import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JSON_LIMITS,
  deviceIdSchema,
  kafkaTopicNames,
  telemetryPayloadSchema,
} from '../../../contracts/index.js';
import { translateUplink } from '../../../gateway/uplink/translate.js';
import { deviceIds, tagOf, telemetryPayload } from '../../../bench/devices.js';

describe('bench devices', () => {
  it('makes valid device ids whose tag tells the phase', () => {
    const ids = deviceIds('paced1', 3);
    expect(ids).toEqual(['paced1-0', 'paced1-1', 'paced1-2']);
    for (const id of ids) expect(deviceIdSchema.safeParse(id).success).toBe(true);
    expect(tagOf('paced1-2')).toBe('paced1');
    expect(tagOf('plain')).toBe('plain');
  });

  it('publishes telemetry the gateway accepts, carrying the send time into the Kafka record', () => {
    const payload = telemetryPayload(42, 1_700_000_000_123);
    expect(telemetryPayloadSchema.safeParse(JSON.parse(payload)).success).toBe(true);
    const result = translateUplink('telemetry', Buffer.from(payload), {
      deviceId: 'max-1',
      gatewayId: 'gw',
      topics: kafkaTopicNames('iot'),
      receivedAt: 1_700_000_000_200,
      maxPayloadBytes: 65_536,
      jsonLimits: DEFAULT_JSON_LIMITS,
    });
    expect(result.ok && JSON.parse(result.records[0]?.value.toString() ?? '{}')).toMatchObject({
      ts: 1_700_000_000_123,
      receivedAt: 1_700_000_000_200,
      seq: 42,
    });
  });

  it('keeps the payload size nearly constant', () => {
    const sizes = [0, 7, 99, 12345, 987654].map((seq) => telemetryPayload(seq, Date.now()).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(6);
  });
});
