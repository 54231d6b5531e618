import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ProtocolError,
  ResponseError,
  TimeoutError,
  UnsupportedApiError,
  UserError,
} from '@platformatic/kafka';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { isRetriable } from '../../../../common/kafka/errors.js';
import { retryKafkaStartup } from '../../../../common/kafka/startup-retry.js';

// How the client wraps a request it gave up on after retrying (base.js kPerformWithRetry).
const retriesSpent = (...errors: Error[]): MultipleErrors =>
  new MultipleErrors(`metadata failed ${errors.length} times.`, errors);

// The API key and version a broker's answer came with do not matter here (3: Metadata).
const response = (code: number): ResponseError =>
  new ResponseError(3, 12, { '/topics/0': [code, null] }, undefined);

describe('isRetriable with @platformatic/kafka errors', () => {
  it.each([
    ['a refused connection', new NetworkError('Connection to 127.0.0.1:9092 failed.')],
    ['a request timeout, which the client marks final', new TimeoutError('Request timed out')],
    ['a coordinator still loading', new ProtocolError('COORDINATOR_LOAD_IN_PROGRESS')],
    ['a broker answer saying the leader moved', response(6)],
    [
      'the client having spent its retries on transient errors',
      retriesSpent(new NetworkError('Connection closed'), new ProtocolError('LEADER_NOT_AVAILABLE')),
    ],
  ])('retries %s', (_what, error) => {
    expect(isRetriable(error)).toBe(true);
  });

  it.each([
    ['a failed SASL handshake', new AuthenticationError('SASL authentication failed')],
    ['an API the broker does not support', new UnsupportedApiError('Unsupported API Metadata.')],
    ['a call with bad options', new UserError('/options/topics must be array')],
    ['a closed client', new NetworkError('Client is closed.', { closed: true })],
    ['an authorization the broker refuses', new ProtocolError('TOPIC_AUTHORIZATION_FAILED')],
    ['a record Kafka refuses, whatever the mark', new ProtocolError('CORRUPT_MESSAGE')],
    [
      'a tree with one final error among transient ones',
      retriesSpent(
        new NetworkError('Connection closed'),
        new UserError('Client closed while retrying metadata.'),
      ),
    ],
    ['a response error refusing the request', response(29)],
  ])('gives up on %s', (_what, error) => {
    expect(isRetriable(error)).toBe(false);
  });

  it('lets retryKafkaStartup retry a transient failure and give up on a final one', async () => {
    vi.useFakeTimers();
    const logger = pino({ level: 'silent' });
    try {
      let calls = 0;
      const flaky = (): Promise<string> =>
        ++calls < 3
          ? Promise.reject(retriesSpent(new ProtocolError('COORDINATOR_NOT_AVAILABLE')))
          : Promise.resolve('read');
      const started = retryKafkaStartup('reading offsets', flaky, logger);
      await vi.runAllTimersAsync();
      await expect(started).resolves.toBe('read');
      expect(calls).toBe(3);

      const refused = new AuthenticationError('SASL authentication failed');
      let refusals = 0;
      const final = (): Promise<string> => {
        refusals++;
        return Promise.reject(refused);
      };
      await expect(retryKafkaStartup('reading offsets', final, logger)).rejects.toBe(refused);
      expect(refusals).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
