import type { IHeaders } from 'kafkajs';
import type { z } from 'zod';
import { HEADER_NAMES, checkSchemaCompatible, decodeJson } from '../../contracts/index.js';

export interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers?: IHeaders;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

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
  if (!compatible.ok) return compatible;
  if (record.value === null) return { ok: false, reason: 'record has no value' };
  const decoded = decodeJson(schema, record.value);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const key = record.key?.toString();
  if (key !== undefined && key !== decoded.value.deviceId)
    return { ok: false, reason: 'record key is not its deviceId' };
  return decoded;
}
