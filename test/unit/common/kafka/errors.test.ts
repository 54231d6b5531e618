import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  RecordRejectedError,
  classifyProduceError,
  isRecordRejected,
  isRetriable,
} from '../../../../common/kafka/errors.js';
import { AppError } from '../../../../common/errors.js';
import { BatcherClosedError } from '../../../../common/kafka/record-batcher.js';

const {
  KafkaJSAggregateError,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
  KafkaJSServerDoesNotSupportApiKey,
  KafkaJSTopicMetadataNotLoaded,
} = kafkajs;

// kafkajs's types leave these out or give their constructors no arguments; the classes take a message.
const untyped = kafkajs as unknown as Record<
  'KafkaJSCreateTopicError' | 'KafkaJSLockTimeout' | 'KafkaJSSASLAuthenticationError',
  new (e: Error | string, metadata?: object) => Error
>;
const { KafkaJSCreateTopicError, KafkaJSLockTimeout, KafkaJSSASLAuthenticationError } = untyped;

// What kafkajs's createErrorFromCode builds from a produce response's error code.
function protocolError(type: string, code: number, retriable: boolean): Error {
  return new KafkaJSProtocolError(Object.assign(new Error(`broker says ${type}`), { type, code, retriable }));
}

describe('classifyProduceError', () => {
  it.each([
    ['MESSAGE_TOO_LARGE', 10, false],
    ['RECORD_LIST_TOO_LARGE', 18, false],
    ['INVALID_RECORD', 87, false],
    ['CORRUPT_MESSAGE', 2, true],
    ['INVALID_TIMESTAMP', 32, false],
  ])('rejects the records on %s, as kafkajs throws it when it bails', (type, code, retriable) => {
    expect(classifyProduceError(protocolError(type, code, retriable))).toEqual({
      action: 'reject',
      reason: type,
      wholeTopic: false,
    });
  });

  it.each([
    ['TOPIC_AUTHORIZATION_FAILED', 29],
    ['INVALID_REQUIRED_ACKS', 21],
    ['INVALID_TOPIC_EXCEPTION', 17],
  ])('rejects every record of the topic on %s', (type, code) => {
    expect(classifyProduceError(protocolError(type, code, false))).toEqual({
      action: 'reject',
      reason: type,
      wholeTopic: true,
    });
  });

  it.each([
    ['OUT_OF_ORDER_SEQUENCE_NUMBER', 45],
    ['UNKNOWN_PRODUCER_ID', 59],
    ['INVALID_PRODUCER_EPOCH', 47],
  ])('asks for a new producer on %s', (type, code) => {
    expect(classifyProduceError(protocolError(type, code, false))).toMatchObject({
      action: 'renew',
      reason: type,
    });
  });

  it.each([
    ['NOT_LEADER_FOR_PARTITION', 6, true],
    ['REQUEST_TIMED_OUT', 7, true],
    ['NOT_ENOUGH_REPLICAS', 19, true],
    ['UNKNOWN_TOPIC_OR_PARTITION', 3, true],
    ['CLUSTER_AUTHORIZATION_FAILED', 31, false],
    ['SOMETHING_NEW', 999, false],
  ])('retries on %s', (type, code, retriable) => {
    expect(classifyProduceError(protocolError(type, code, retriable))).toMatchObject({ action: 'retry' });
  });

  it('retries network errors and timeouts', () => {
    expect(classifyProduceError(new KafkaJSConnectionError('Connection error: ECONNREFUSED'))).toMatchObject({
      action: 'retry',
      reason: 'KafkaJSConnectionError',
    });
    const timeout = new KafkaJSRequestTimeoutError('Request Produce(key: 0, version: 7) timed out');
    expect(classifyProduceError(timeout)).toMatchObject({ action: 'retry' });
    expect(classifyProduceError(new KafkaJSError('The producer is disconnected'))).toMatchObject({
      action: 'retry',
    });
  });

  it('looks through kafkajs wrappers at their cause', () => {
    const exhausted = new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', 6, true), {
      retryCount: 5,
      retryTime: 1000,
    });
    // The wrapper itself says retriable: false, though its cause is retriable.
    expect(exhausted.retriable).toBe(false);
    expect(classifyProduceError(exhausted)).toMatchObject({
      action: 'retry',
      reason: 'NOT_LEADER_FOR_PARTITION',
    });

    const wrapped = new KafkaJSNonRetriableError(protocolError('MESSAGE_TOO_LARGE', 10, false));
    Object.assign(wrapped, { cause: protocolError('MESSAGE_TOO_LARGE', 10, false) });
    expect(classifyProduceError(wrapped)).toMatchObject({ action: 'reject', reason: 'MESSAGE_TOO_LARGE' });
  });

  it('retries what it does not know rather than dropping records over it', () => {
    expect(classifyProduceError(new Error('something odd'))).toMatchObject({ action: 'retry' });
    expect(classifyProduceError('a string')).toMatchObject({ action: 'retry', reason: 'unknown' });
    expect(classifyProduceError(undefined)).toMatchObject({ action: 'retry' });
    expect(classifyProduceError(new KafkaJSNonRetriableError('The producer is disconnecting'))).toMatchObject(
      {
        action: 'retry',
      },
    );
  });

  it('keeps its own rejections rejected', () => {
    const error = new RecordRejectedError('iot.telemetry', 'RECORD_TOO_LARGE', 'too big');
    expect(classifyProduceError(error)).toMatchObject({ action: 'reject', reason: 'RECORD_TOO_LARGE' });
  });
});

describe('RecordRejectedError', () => {
  it('says it is not retriable, why, and keeps its cause', () => {
    const cause = protocolError('MESSAGE_TOO_LARGE', 10, false);
    const error = new RecordRejectedError('iot.dead-letter', 'MESSAGE_TOO_LARGE', cause.message, { cause });
    expect(error).toMatchObject({
      retriable: false,
      topic: 'iot.dead-letter',
      reason: 'MESSAGE_TOO_LARGE',
      cause,
    });
    expect(error.message).toBe(
      'Kafka will not take this record for iot.dead-letter (MESSAGE_TOO_LARGE, not retriable): broker says MESSAGE_TOO_LARGE',
    );
    expect(isRecordRejected(error)).toBe(true);
    expect(isRecordRejected(cause)).toBe(false);
  });
});

class StoreDown extends AppError<'unavailable'> {
  constructor() {
    // Says retriable and also carries kafkajs's name: the project's own flag wins.
    super('unavailable', 'store down', { retriable: true });
    this.name = 'KafkaJSNonRetriableError';
  }
}

describe('isRetriable', () => {
  it('takes the project’s errors at their word', () => {
    expect(isRetriable(new RecordRejectedError('t', 'RECORD_TOO_LARGE', 'too big'))).toBe(false);
    expect(isRetriable(new BatcherClosedError())).toBe(false);
    expect(isRetriable(new StoreDown())).toBe(true);
  });

  it.each([
    ['a refused connection', new KafkaJSConnectionError('Connection error: ECONNREFUSED')],
    ['a request timeout', new KafkaJSRequestTimeoutError('Request Metadata timed out')],
    ['metadata not loaded yet', new KafkaJSTopicMetadataNotLoaded('not loaded', { topic: 't' })],
    ['a lock timeout, which kafkajs marks final', new KafkaJSLockTimeout('Timeout while acquiring lock')],
    ['several topics failing at once', new KafkaJSAggregateError('Topic creation errors', [])],
  ])('retries %s', (_what, error) => {
    expect(isRetriable(error)).toBe(true);
  });

  it.each([
    [
      'kafkajs having spent its own retries',
      new KafkaJSNumberOfRetriesExceeded(protocolError('NOT_LEADER_FOR_PARTITION', 6, true), {
        retryCount: 5,
        retryTime: 1000,
      }),
    ],
    ['a failed SASL handshake', new KafkaJSSASLAuthenticationError('SASL PLAIN authentication failed')],
    ['an API the broker does not support', new KafkaJSServerDoesNotSupportApiKey('unsupported')],
    ['what kafkajs calls final', new KafkaJSNonRetriableError('The producer is disconnecting')],
  ])('gives up on %s', (_what, error) => {
    expect(isRetriable(error)).toBe(false);
  });

  it('follows kafkajs’s mark on its base error', () => {
    expect(isRetriable(new KafkaJSError('The producer is disconnected'))).toBe(true);
    expect(isRetriable(new KafkaJSError('Invalid event name', { retriable: false }))).toBe(false);
  });

  it('follows the broker’s error type, except for records Kafka refuses', () => {
    expect(isRetriable(protocolError('NOT_LEADER_FOR_PARTITION', 6, true))).toBe(true);
    expect(isRetriable(protocolError('CLUSTER_AUTHORIZATION_FAILED', 31, false))).toBe(false);
    expect(isRetriable(protocolError('MESSAGE_TOO_LARGE', 10, false))).toBe(false);
    // kafkajs marks it retriable; the same records get the same CRC and the same answer.
    expect(isRetriable(protocolError('CORRUPT_MESSAGE', 2, true))).toBe(false);
    const exists = new KafkaJSCreateTopicError(
      Object.assign(new Error('Topic with this name already exists'), {
        type: 'TOPIC_ALREADY_EXISTS',
        code: 36,
        retriable: false,
      }),
      { topicName: 't' },
    );
    expect(isRetriable(exists)).toBe(false);
  });

  it('takes a flag an unknown error carries, and retries one that carries none', () => {
    expect(isRetriable(Object.assign(new Error('coordinator loading'), { retriable: true }))).toBe(true);
    expect(isRetriable(Object.assign(new Error('refused'), { retriable: false }))).toBe(false);
    expect(isRetriable(new Error('something odd'))).toBe(true);
    expect(isRetriable('a string')).toBe(true);
    expect(isRetriable(undefined)).toBe(true);
  });
});
