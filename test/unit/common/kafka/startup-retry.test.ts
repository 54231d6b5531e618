import kafkajs from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { retryKafkaStartup } from '../../../../common/kafka/startup-retry.js';

const { KafkaJSConnectionError } = kafkajs;
// kafkajs's types give its constructor no arguments; the class takes a message.
const KafkaJSSASLAuthenticationError = kafkajs.KafkaJSSASLAuthenticationError as unknown as new (
  message: string,
) => Error;

const logger = pino({ level: 'silent' });

describe('retryKafkaStartup', () => {
  it('retries a step that fails transiently', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const step = (): Promise<string> =>
        ++calls < 3 ? Promise.reject(new KafkaJSConnectionError('ECONNREFUSED')) : Promise.resolve('created');
      const started = retryKafkaStartup('creating topics', step, logger);
      await vi.runAllTimersAsync();
      await expect(started).resolves.toBe('created');
      expect(calls).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up at once on an error that will not go away', async () => {
    let calls = 0;
    const refused = new KafkaJSSASLAuthenticationError('SASL PLAIN authentication failed');
    await expect(
      retryKafkaStartup(
        'creating topics',
        () => {
          calls++;
          return Promise.reject(refused);
        },
        logger,
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });
});
