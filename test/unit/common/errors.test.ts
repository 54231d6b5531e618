import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { RecordRejectedError, classifyProduceError, isRecordRejected } from '../../../common/kafka/errors.js';

const {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} = kafkajs;

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
