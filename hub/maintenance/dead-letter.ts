import { SCHEMAS, buildHeaders, type DeadLetterRecord } from '../../contracts/index.js';
import type { OutRecord } from '../../common/kafka/record-batcher.js';

export const DEAD_LETTER_SOURCE = 'hub/maintenance';

export interface Refused {
  reason: string;
  deviceId?: string;
  topic: string;
  value: Buffer | null;
}

/** A record the consumer could not use, kept whole with the reason in the dead-letter topic. */
export function deadLetter(refused: Refused, deadLetterTopic: string, atMs: number): OutRecord {
  const value: DeadLetterRecord = {
    reason: refused.reason.slice(0, 2048),
    source: DEAD_LETTER_SOURCE,
    topic: refused.topic,
    ...(refused.deviceId === undefined ? {} : { deviceId: refused.deviceId.slice(0, 256) }),
    payloadBase64: (refused.value ?? Buffer.alloc(0)).toString('base64'),
    at: atMs,
  };
  const key = refused.deviceId ?? DEAD_LETTER_SOURCE;
  return {
    topic: deadLetterTopic,
    key,
    value: Buffer.from(JSON.stringify(value)),
    headers: buildHeaders({
      ...(refused.deviceId === undefined ? {} : { deviceId: refused.deviceId }),
      schema: SCHEMAS.deadLetter,
    }),
  };
}
