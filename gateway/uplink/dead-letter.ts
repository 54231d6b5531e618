import { SCHEMAS, buildHeaders, type DeadLetterRecord, type kafkaTopicNames } from '../../contracts/index.js';
import type { OutRecord } from '../../common/kafka/record-batcher.js';

export interface DeadLetterInput {
  code: string;
  reason: string;
  topic: string;
  clientId: string;
  deviceId?: string;
  payload: Buffer;
  at: number;
}

/** A refused device message as a dead-letter record: the reason and the raw bytes, so nothing is lost. */
export function deadLetterRecord(
  input: DeadLetterInput,
  topics: ReturnType<typeof kafkaTopicNames>,
  gatewayId: string,
): OutRecord {
  const value: DeadLetterRecord = {
    reason: `${input.code}: ${input.reason}`.slice(0, 2048),
    source: `gateway/${gatewayId}`.slice(0, 128),
    topic: input.topic.slice(0, 65535),
    clientId: input.clientId.slice(0, 256),
    ...(input.deviceId === undefined ? {} : { deviceId: input.deviceId }),
    payloadBase64: input.payload.toString('base64'),
    at: input.at,
  };
  return {
    topic: topics.deadLetter,
    key: input.deviceId ?? input.clientId,
    value: Buffer.from(JSON.stringify(value)),
    headers: buildHeaders({
      ...(input.deviceId === undefined ? {} : { deviceId: input.deviceId }),
      schema: SCHEMAS.deadLetter,
      gatewayId,
    }),
  };
}
