import type { IHeaders } from 'kafkajs';
import {
  HEADER_NAMES,
  SCHEMAS,
  checkSchemaCompatible,
  decodeJson,
  telemetryRecordSchema,
  type TelemetryRecord,
} from '../../contracts/index.js';

export interface RawMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export type DecodedTelemetry =
  { ok: true; record: TelemetryRecord } | { ok: false; reason: string; deviceId?: string };

function headerText(value: IHeaders[string]): string | undefined {
  const one = Array.isArray(value) ? value[value.length - 1] : value;
  return one === undefined ? undefined : one.toString();
}

/** A telemetry record from Kafka, or why it cannot be one. Never throws. */
export function decodeTelemetry(message: RawMessage): DecodedTelemetry {
  const key = message.key?.toString();
  const claimed = headerText(message.headers?.[HEADER_NAMES.deviceId]) ?? key;
  const withDevice = (reason: string): DecodedTelemetry =>
    claimed === undefined ? { ok: false, reason } : { ok: false, reason, deviceId: claimed };

  const schema = checkSchemaCompatible(message.headers?.[HEADER_NAMES.schema], SCHEMAS.telemetry);
  if (!schema.ok) return withDevice(schema.reason);
  if (message.value === null) return withDevice('record has no value');
  const decoded = decodeJson(telemetryRecordSchema, message.value);
  if (!decoded.ok) return withDevice(`${decoded.code}: ${decoded.reason}`);
  if (key !== undefined && key !== decoded.value.deviceId) {
    return withDevice(`record key ${JSON.stringify(key.slice(0, 64))} is not its deviceId`);
  }
  return { ok: true, record: decoded.value };
}
