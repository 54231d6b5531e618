import type { DeadLetterRecord } from '../../contracts/index.js';
import type { OutRecord } from '../../common/kafka/record-batcher.js';
import { deadLetterPayload } from '../../common/kafka/dead-letter-payload.js';
import { encodeRecord } from '../../common/kafka/record-codec.js';

export const DEAD_LETTER_SOURCE = 'hub/maintenance';

/**
 * Payload bytes a dead letter keeps: in base64 (+33%) several still fit Kafka's default 1 MB
 * record batch, whereas a telemetry record near that limit would make a dead letter Kafka refuses.
 */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 256 * 1024;

export interface Refused {
  reason: string;
  deviceId?: string;
  topic: string;
  value: Buffer | null;
}

/** A record the consumer could not use, kept (up to a size) with the reason in the dead-letter topic. */
export function deadLetter(refused: Refused, deadLetterTopic: string, atMs: number): OutRecord {
  // A claimed device id comes from the record's key or header, which any producer may fill.
  const deviceId = refused.deviceId?.slice(0, 256);
  const payload = refused.value ?? Buffer.alloc(0);
  const kept = deadLetterPayload(payload, MAX_DEAD_LETTER_PAYLOAD_BYTES);
  const truncated = kept.payloadTruncated
    ? ` (payload truncated to ${MAX_DEAD_LETTER_PAYLOAD_BYTES} of ${payload.length} bytes)`
    : '';
  const value: DeadLetterRecord = {
    reason: `${refused.reason.slice(0, 2048 - truncated.length)}${truncated}`,
    source: DEAD_LETTER_SOURCE,
    topic: refused.topic,
    ...(deviceId === undefined ? {} : { deviceId }),
    ...kept,
    at: atMs,
  };
  return encodeRecord('deadLetter', value, { topics: { deadLetter: deadLetterTopic } });
}
