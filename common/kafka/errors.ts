import { AppError } from '../errors.js';

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

/**
 * kafkajs's own error classes, by name, and what a failed step that threw one calls for:
 * - `transient`: the connection, a timeout or metadata not there yet; the same step may succeed.
 * - `as-marked`: kafkajs sets `retriable` on each instance: for a broker's answer from the
 *   protocol's table of error codes, otherwise where it throws (see `isRetriable`).
 * - `retries-spent`: kafkajs retried already and gives up; for a produce, the error it wraps
 *   (`cause`) decides, since records must not be refused over a transient failure.
 * - `permanent`: nothing changes by running the step again (a bug, an unsupported API, SASL).
 */
const KAFKAJS_ERRORS = {
  KafkaJSConnectionError: 'transient',
  KafkaJSConnectionClosedError: 'transient',
  KafkaJSRequestTimeoutError: 'transient',
  KafkaJSMetadataNotLoaded: 'transient',
  KafkaJSTopicMetadataNotLoaded: 'transient',
  KafkaJSStaleTopicMetadataAssignment: 'transient',
  KafkaJSBrokerNotFound: 'transient',
  KafkaJSNoBrokerAvailableError: 'transient',
  KafkaJSDeleteGroupsError: 'transient',
  // kafkajs marks it not retriable, but the lock is released once the request holding it ends.
  KafkaJSLockTimeout: 'transient',
  // admin.createTopics collects one error per topic; its usual cause is another process creating
  // the same topics at once, and the step run again finds them.
  KafkaJSAggregateError: 'transient',
  KafkaJSError: 'as-marked',
  KafkaJSProtocolError: 'as-marked',
  KafkaJSCreateTopicError: 'as-marked',
  KafkaJSOffsetOutOfRange: 'as-marked',
  KafkaJSMemberIdRequired: 'as-marked',
  KafkaJSAlterPartitionReassignmentsError: 'as-marked',
  KafkaJSDeleteTopicRecordsError: 'as-marked',
  KafkaJSNumberOfRetriesExceeded: 'retries-spent',
  KafkaJSNonRetriableError: 'retries-spent',
  KafkaJSTimeout: 'permanent',
  KafkaJSServerDoesNotSupportApiKey: 'permanent',
  KafkaJSPartialMessageError: 'permanent',
  KafkaJSSASLAuthenticationError: 'permanent',
  KafkaJSGroupCoordinatorNotFound: 'permanent',
  KafkaJSNotImplemented: 'permanent',
  KafkaJSUnsupportedMagicByteInMessageSet: 'permanent',
  KafkaJSInvariantViolation: 'permanent',
} as const satisfies Record<string, 'transient' | 'as-marked' | 'retries-spent' | 'permanent'>;

type KafkaJSErrorName = keyof typeof KAFKAJS_ERRORS;

/** What `table` says of `key`, when `key` is one of its own entries. */
function lookUp<T extends Record<string, string>>(table: T, key: unknown): T[keyof T] | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key as keyof T] : undefined;
}

function kafkajsKind(name: unknown): (typeof KAFKAJS_ERRORS)[KafkaJSErrorName] | undefined {
  return lookUp(KAFKAJS_ERRORS, name);
}

interface ErrorShape {
  name?: unknown;
  type?: unknown;
  cause?: unknown;
  reason?: unknown;
  retriable?: unknown;
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
    if (kafkajsKind(shape.name) === 'transient' && shape.cause === undefined) {
      return { action: 'retry', reason: shape.name as string };
    }
    e = shape.cause;
  }
  const name = (error as ErrorShape | null)?.name;
  return { action: 'retry', reason: typeof name === 'string' ? name : 'unknown' };
}

/**
 * @platformatic/kafka's error codes (`GenericError.code`, `PLT_KFK_*`) and what a failed step that
 * threw one calls for:
 * - `transient`: the connection or a timeout. The client's `TimeoutError` carries
 *   `PLT_KFK_NETWORK` and `canRetry: false` (so the client itself does not retry it), yet the
 *   same step run again may well succeed. A client that was closed (`closed: true`) stays closed.
 * - `as-marked`: a broker's answer (`ProtocolError`), whose `canRetry` comes from the protocol's
 *   table of error codes.
 * - `all-of`: a `MultipleErrors` (also a `ResponseError`, and "X failed N times" once the client's
 *   own retries are spent): retriable when every error it holds is.
 * - `permanent`: the call itself (bad options, a closed client retrying, an unsupported API, SASL).
 */
const PLATFORMATIC_ERRORS = {
  PLT_KFK_NETWORK: 'transient',
  PLT_KFK_TIMEOUT: 'transient',
  // The answers of a connection got out of step with its requests; the step opens new ones.
  PLT_KFK_UNEXPECTED_CORRELATION_ID: 'transient',
  PLT_KFK_PROTOCOL: 'as-marked',
  PLT_KFK_MULTIPLE: 'all-of',
  PLT_KFK_RESPONSE: 'all-of',
  PLT_KFK_AUTHENTICATION: 'permanent',
  PLT_KFK_OUT_OF_BOUNDS: 'permanent',
  PLT_KFK_UNFINISHED_WRITE_BUFFER: 'permanent',
  PLT_KFK_UNSUPPORTED_API: 'permanent',
  PLT_KFK_UNSUPPORTED_COMPRESSION: 'permanent',
  PLT_KFK_UNSUPPORTED_FORMAT: 'permanent',
  PLT_KFK_UNSUPPORTED: 'permanent',
  PLT_KFK_USER: 'permanent',
} as const satisfies Record<string, 'transient' | 'as-marked' | 'all-of' | 'permanent'>;

type PlatformaticErrorCode = keyof typeof PLATFORMATIC_ERRORS;

interface PlatformaticErrorShape {
  code?: unknown;
  apiId?: unknown;
  canRetry?: unknown;
  closed?: unknown;
  errors?: unknown;
}

function platformaticKind(code: unknown): (typeof PLATFORMATIC_ERRORS)[PlatformaticErrorCode] | undefined {
  return lookUp(PLATFORMATIC_ERRORS, code);
}

function refusesRecords(type: unknown): boolean {
  return isProduceErrorType(type) && PRODUCE_ERRORS[type].startsWith('reject');
}

// Error trees are shallow; the bound only guards against a cycle through `errors`.
const MAX_ERROR_DEPTH = 8;

function retriableAt(error: unknown, depth: number): boolean {
  if (error instanceof AppError) return error.retriable;
  const shape = (error ?? {}) as ErrorShape & PlatformaticErrorShape;
  switch (kafkajsKind(shape.name)) {
    case 'transient':
      return true;
    case 'retries-spent':
    case 'permanent':
      return false;
    case 'as-marked':
      if (refusesRecords(shape.type)) return false;
      return shape.retriable === true;
    case undefined:
      break;
  }
  switch (platformaticKind(shape.code)) {
    case 'transient':
      return shape.closed !== true;
    case 'permanent':
      return false;
    case 'as-marked':
      return !refusesRecords(shape.apiId) && shape.canRetry === true;
    case 'all-of': {
      const inner: unknown[] = Array.isArray(shape.errors) ? (shape.errors as unknown[]) : [];
      return depth < MAX_ERROR_DEPTH && inner.every((e) => retriableAt(e, depth + 1));
    }
    case undefined:
      return typeof shape.retriable === 'boolean' ? shape.retriable : true;
  }
}

/**
 * Whether a step that failed with `error` (a Kafka admin call, a consumer's start, a produce
 * waited out by the maintenance consumer) may succeed if run again unchanged:
 * - the project's errors say so themselves;
 * - kafkajs's classes are looked up in `KAFKAJS_ERRORS`; of those kafkajs marks one by one, a
 *   broker's answer refusing the records (`PRODUCE_ERRORS`) is final whatever the mark says;
 * - @platformatic/kafka's errors are looked up by code in `PLATFORMATIC_ERRORS`, with the same
 *   exception for a broker's refusal, and a tree of them is retriable when all its errors are;
 * - any other error that carries a `retriable` flag is taken at its word, and one that carries
 *   none is retried. Every caller bounds its retries or waits for an abort, so retrying an error
 *   nobody understood only delays the same failure, while giving up on a transient one fails a
 *   start or drops data.
 */
export function isRetriable(error: unknown): boolean {
  return retriableAt(error, 0);
}

/** A record Kafka will never take as it is; the batcher rejects its promise with this. */
export class RecordRejectedError extends AppError<'record_rejected'> {
  override readonly name = 'RecordRejectedError';

  constructor(
    readonly topic: string,
    readonly reason: RejectionReason,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      'record_rejected',
      `Kafka will not take this record for ${topic} (${reason}, not retriable): ${detail}`,
      {
        retriable: false,
        cause: options?.cause,
      },
    );
  }
}

export function isRecordRejected(error: unknown): error is RecordRejectedError {
  return error instanceof RecordRejectedError;
}
