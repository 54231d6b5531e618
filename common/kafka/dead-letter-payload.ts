import { createHash } from 'node:crypto';
import type { DeadLetterRecord } from '../../contracts/index.js';

export type DeadLetterPayload = Pick<
  DeadLetterRecord,
  'payloadBase64' | 'payloadBytes' | 'payloadSha256' | 'payloadTruncated'
>;

/**
 * What a dead letter keeps of a refused payload: its first `keepBytes`, and its whole size and
 * SHA-256, so a payload too large for Kafka is still identified (and matched with the device's copy).
 */
export function deadLetterPayload(payload: Buffer, keepBytes: number): DeadLetterPayload {
  const kept = Math.min(payload.length, Math.max(0, keepBytes));
  return {
    payloadBase64: payload.subarray(0, kept).toString('base64'),
    payloadBytes: payload.length,
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
    payloadTruncated: kept < payload.length,
  };
}
