import type { IHeaders } from 'kafkajs';
import type { z } from 'zod';
import { HEADER_NAMES, checkSchemaCompatible, decodeJson } from '../../contracts/index.js';
import type { SkipReason } from '../../common/kafka/consumer-monitor.js';

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; code: SkipReason; reason: string };

/**
 * A record value of the expected schema whose deviceId is its key, or why it is not one. Never
 * throws: a record from a newer producer or another application is counted, not fatal.
 */
export function decodeRecord<T extends { deviceId: string }>(
  schema: z.ZodType<T>,
  expectedSchema: string,
  record: RawRecord,
): Decoded<T> {
  const compatible = checkSchemaCompatible(record.headers?.[HEADER_NAMES.schema], expectedSchema);
  if (!compatible.ok) return { ...compatible, code: 'schema_mismatch' };
  if (record.value === null) return { ok: false, code: 'no_value', reason: 'record has no value' };
  const decoded = decodeJson(schema, record.value);
  if (!decoded.ok) return { ok: false, code: decoded.code, reason: decoded.reason };
  const key = record.key?.toString();
  if (key !== undefined && key !== decoded.value.deviceId)
    return { ok: false, code: 'key_mismatch', reason: 'record key is not its deviceId' };
  return decoded;
}
