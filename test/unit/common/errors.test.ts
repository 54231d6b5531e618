import { describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../../common/errors.js';
import { BatcherClosedError } from '../../../common/kafka/record-batcher.js';
import { RecordRejectedError } from '../../../common/kafka/errors.js';
import { ConfigError } from '../../../config/errors.js';
import {
  FirstPacketNotConnectError,
  PacketTooLargeError,
} from '../../../gateway/broker/packet-size-guard.js';
import { HubApiError, HubUnreachableError } from '../../../hub/cli/hub-client.js';
import { InfluxQueryError } from '../../../hub/fleet/influx-queries.js';
import { HttpError, unavailable } from '../../../hub/http/errors.js';
import { InfluxWriteError } from '../../../hub/influx/errors.js';

class SampleError extends AppError<'unavailable'> {
  override readonly name = 'SampleError';
}

describe('AppError', () => {
  it('carries its code, whether a retry may help, and its cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const error = new SampleError('unavailable', 'the store is down', { retriable: true, cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'SampleError', code: 'unavailable', retriable: true, cause });
    expect(error.message).toBe('the store is down');
    expect(error).toBeInstanceOf(AppError);
  });

  it('has no cause unless given one', () => {
    const error = new SampleError('unavailable', 'down', { retriable: false });
    expect('cause' in error).toBe(false);
  });
});

describe('the project’s errors', () => {
  it.each<[string, AppError, ErrorCode, boolean]>([
    ['ConfigError', new ConfigError([{ setting: 'MQTT_PORT', message: 'bad' }]), 'invalid_config', false],
    ['PacketTooLargeError', new PacketTooLargeError(9000, 8192), 'packet_too_large', false],
    ['FirstPacketNotConnectError', new FirstPacketNotConnectError(3), 'first_packet_not_connect', false],
    [
      'RecordRejectedError',
      new RecordRejectedError('t', 'MESSAGE_TOO_LARGE', 'big'),
      'record_rejected',
      false,
    ],
    ['BatcherClosedError', new BatcherClosedError(), 'batcher_closed', false],
    ['InfluxWriteError', new InfluxWriteError('unavailable', 'down'), 'unavailable', true],
    ['InfluxQueryError', new InfluxQueryError('error parsing query'), 'query_failed', false],
    ['HttpError', new HttpError(404, 'not_found', 'no device d1'), 'not_found', false],
    ['HttpError', unavailable('Kafka is not reachable'), 'unavailable', true],
    ['HubApiError', new HubApiError(409, 'conflict', 'exists'), 'hub_refused', false],
    ['HubApiError', new HubApiError(503, 'unavailable'), 'hub_refused', true],
    ['HubUnreachableError', new HubUnreachableError('cannot reach the hub'), 'hub_unreachable', true],
  ])('%s is an AppError with its code and retriability', (name, error, code, retriable) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ name, code, retriable });
  });
});
