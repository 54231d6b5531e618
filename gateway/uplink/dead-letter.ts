import type { DeadLetterRecord, kafkaTopicNames } from '../../contracts/index.js';
import type { OutRecord } from '../../common/kafka/record-batcher.js';
import { recordMisfit, type RecordLimits } from '../../common/kafka/record-limits.js';
import { deadLetterPayload } from '../../common/kafka/dead-letter-payload.js';
import { encodeRecord } from '../../common/kafka/record-codec.js';

export const DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES = 64 * 1024;

export interface DeadLetterInput {
  code: string;
  reason: string;
  topic: string;
  clientId: string;
  deviceId?: string;
  payload: Buffer;
  at: number;
}

export interface DeadLetterBudget {
  /** Payload bytes a dead letter keeps at most (`GATEWAY_DEAD_LETTER_MAX_PAYLOAD_BYTES`). */
  maxPayloadBytes: number;
  /** When given, the payload kept shrinks further until the record fits the dead-letter topic. */
  limits?: RecordLimits;
}

const DEFAULT_BUDGET: DeadLetterBudget = { maxPayloadBytes: DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES };

/**
 * A refused device message as a dead-letter record: the reason, the payload's size and SHA-256,
 * and the payload itself up to `budget.maxPayloadBytes`. A device may publish up to the MQTT
 * packet limit, more than Kafka takes in one record once in base64; a dead letter too large
 * for Kafka would be refused in turn, so the first bytes and the hash are what is kept.
 * Only when not even an empty payload fits the dead-letter topic is the record returned too
 * large, for the batcher to refuse and count.
 */
export function deadLetterRecord(
  input: DeadLetterInput,
  topics: ReturnType<typeof kafkaTopicNames>,
  gatewayId: string,
  budget: DeadLetterBudget = DEFAULT_BUDGET,
): OutRecord {
  const base = {
    reason: `${input.code}: ${input.reason}`.slice(0, 2048),
    source: `gateway/${gatewayId}`.slice(0, 128),
    topic: input.topic.slice(0, 65535),
    clientId: input.clientId.slice(0, 256),
    ...(input.deviceId === undefined ? {} : { deviceId: input.deviceId }),
    at: input.at,
  };
  // Hashing a large payload is its main cost: once, however often the kept part shrinks.
  const { payloadBytes, payloadSha256 } = deadLetterPayload(input.payload, 0);
  const build = (kept: number): OutRecord => {
    const value: DeadLetterRecord = {
      ...base,
      payloadBytes,
      payloadSha256,
      payloadBase64: input.payload.subarray(0, kept).toString('base64'),
      payloadTruncated: kept < input.payload.length,
    };
    return encodeRecord('deadLetter', value, { topics, gatewayId });
  };

  let kept = Math.min(input.payload.length, Math.max(0, budget.maxPayloadBytes));
  let record = build(kept);
  if (!budget.limits) return record;
  for (let misfit = recordMisfit(record, budget.limits); misfit && kept > 0;) {
    // Every 3 payload bytes dropped take 4 characters of base64 with them.
    kept = Math.max(0, kept - Math.ceil((misfit.bytes - misfit.limit) / 4) * 3 - 3);
    record = build(kept);
    misfit = recordMisfit(record, budget.limits);
  }
  return record;
}
