import { SCHEMAS, buildHeaders, type TelemetryRecord } from '../contracts/index.js';

export interface BridgeMessage {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * The minimal bridge's Kafka message for one telemetry publish of the bench's devices: the key,
 * value and headers the gateway's translation writes, without its validation. `headers` is reused
 * for every message of one device, as the gateway shares one object per message.
 */
export function bridgeMessage(
  deviceId: string,
  payload: Buffer | string,
  receivedAt: number,
  headers: Record<string, string>,
): BridgeMessage {
  const reading = JSON.parse(payload.toString()) as {
    seq?: number;
    ts?: number;
    metrics: TelemetryRecord['metrics'];
  };
  const value: TelemetryRecord = {
    deviceId,
    ts: reading.ts ?? receivedAt,
    receivedAt,
    ...(reading.seq === undefined ? {} : { seq: reading.seq }),
    metrics: reading.metrics,
  };
  return { key: deviceId, value: Buffer.from(JSON.stringify(value)), headers };
}

export function bridgeHeaders(deviceId: string, gatewayId: string): Record<string, string> {
  return buildHeaders({ deviceId, schema: SCHEMAS.telemetry, gatewayId });
}
