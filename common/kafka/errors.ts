/**
 * What to do when a produce request fails:
 * - `retry`: the failure is Kafka's or the network's; the same records will go through later.
 * - `reject`: Kafka refuses these records and will refuse them again; `wholeTopic` when it
 *   refuses every record of the topic (authorization), not just some.
 * - `renew`: the idempotent producer's sequence numbers no longer match the broker's; only a new
 *   producer id helps, after which the same records go through.
 */
export type ProduceDisposition =
  | { action: 'retry'; reason: string }
  | { action: 'reject'; reason: RejectionReason; wholeTopic: boolean }
  | { action: 'renew'; reason: string };

// Kafka protocol error types (kafkajs `KafkaJSProtocolError.type`) a produce can answer with.
const PRODUCE_ERRORS = {
  // The records: sending the same bytes again gets the same answer.
  MESSAGE_TOO_LARGE: 'reject',
  RECORD_LIST_TOO_LARGE: 'reject',
  INVALID_RECORD: 'reject',
  // kafkajs calls it retriable, but its encoder writes the same CRC for the same records, so a
  // retry of the same batch is refused forever.
  CORRUPT_MESSAGE: 'reject',
  INVALID_TIMESTAMP: 'reject',
  UNSUPPORTED_FOR_MESSAGE_FORMAT: 'reject',
  POLICY_VIOLATION: 'reject',
  // The topic or the request as a whole.
  TOPIC_AUTHORIZATION_FAILED: 'reject-topic',
  INVALID_TOPIC_EXCEPTION: 'reject-topic',
  INVALID_REQUIRED_ACKS: 'reject-topic',
  UNSUPPORTED_COMPRESSION_TYPE: 'reject-topic',
  // The producer's idempotence state.
  OUT_OF_ORDER_SEQUENCE_NUMBER: 'renew',
  DUPLICATE_SEQUENCE_NUMBER: 'renew',
  UNKNOWN_PRODUCER_ID: 'renew',
  INVALID_PRODUCER_EPOCH: 'renew',
  INVALID_PRODUCER_ID_MAPPING: 'renew',
  // Transient, or an operator's to fix (cluster ACLs): nothing about the records.
  UNKNOWN_TOPIC_OR_PARTITION: 'retry',
  LEADER_NOT_AVAILABLE: 'retry',
  NOT_LEADER_FOR_PARTITION: 'retry',
  REQUEST_TIMED_OUT: 'retry',
  BROKER_NOT_AVAILABLE: 'retry',
  REPLICA_NOT_AVAILABLE: 'retry',
  NETWORK_EXCEPTION: 'retry',
  NOT_ENOUGH_REPLICAS: 'retry',
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 'retry',
  KAFKA_STORAGE_ERROR: 'retry',
  FENCED_LEADER_EPOCH: 'retry',
  UNKNOWN_LEADER_EPOCH: 'retry',
  CONCURRENT_TRANSACTIONS: 'retry',
  CLUSTER_AUTHORIZATION_FAILED: 'retry',
  UNKNOWN: 'retry',
} as const satisfies Record<string, 'reject' | 'reject-topic' | 'renew' | 'retry'>;

type ProduceErrorType = keyof typeof PRODUCE_ERRORS;
type RejectingType = {
  [K in ProduceErrorType]: (typeof PRODUCE_ERRORS)[K] extends 'reject' | 'reject-topic' ? K : never;
}[ProduceErrorType];

/** Why Kafka refused a record for good: a protocol error, or the gateway's own size check. */
export type RejectionReason = RejectingType | 'RECORD_TOO_LARGE';

// kafkajs error classes (by name) that come before any protocol error.
const CLIENT_ERRORS: Readonly<Record<string, 'retry'>> = {
  KafkaJSConnectionError: 'retry',
  KafkaJSConnectionClosedError: 'retry',
  KafkaJSRequestTimeoutError: 'retry',
  KafkaJSMetadataNotLoaded: 'retry',
  KafkaJSBrokerNotFound: 'retry',
  KafkaJSLockTimeout: 'retry',
  KafkaJSTopicMetadataNotLoaded: 'retry',
};

interface ErrorShape {
  name?: unknown;
  type?: unknown;
  cause?: unknown;
  reason?: unknown;
}

function isProduceErrorType(type: unknown): type is ProduceErrorType {
  return typeof type === 'string' && Object.hasOwn(PRODUCE_ERRORS, type);
}

/**
 * How a failed produce (kafkajs `send`/`sendBatch`) is handled. kafkajs throws the protocol
 * error of the first failing partition itself when it gives up at once (`bail`), wraps a
 * retriable one in `KafkaJSNumberOfRetriesExceeded` once its own retries are spent, and wraps
 * some in `KafkaJSNonRetriableError`; both wrappers keep the original as `cause`. Anything not
 * in these tables is retried, as before: refusing records over an error nobody understood
 * could dead-letter a whole fleet's data.
 */
export function classifyProduceError(error: unknown): ProduceDisposition {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const shape = e as ErrorShape;
    if (e instanceof RecordRejectedError) return { action: 'reject', reason: e.reason, wholeTopic: false };
    if (shape.name === 'KafkaJSProtocolError' || isProduceErrorType(shape.type)) {
      if (!isProduceErrorType(shape.type)) return { action: 'retry', reason: String(shape.type) };
      const action = PRODUCE_ERRORS[shape.type];
      if (action === 'retry') return { action, reason: shape.type };
      if (action === 'renew') return { action, reason: shape.type };
      return { action: 'reject', reason: shape.type as RejectingType, wholeTopic: action === 'reject-topic' };
    }
    if (typeof shape.name === 'string' && CLIENT_ERRORS[shape.name]) {
      return { action: 'retry', reason: shape.name };
    }
    e = shape.cause;
  }
  const name = (error as ErrorShape | null)?.name;
  return { action: 'retry', reason: typeof name === 'string' ? name : 'unknown' };
}

/** A record Kafka will never take as it is; the batcher rejects its promise with this. */
export class RecordRejectedError extends Error {
  override readonly name = 'RecordRejectedError';
  readonly retriable = false;

  constructor(
    readonly topic: string,
    readonly reason: RejectionReason,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`Kafka will not take this record for ${topic} (${reason}, not retriable): ${detail}`, options);
  }
}

export function isRecordRejected(error: unknown): error is RecordRejectedError {
  return error instanceof RecordRejectedError;
}
