import type { Logger } from '../logger.js';
import { retry } from '../retry.js';
import { isRetriable } from './errors.js';

/**
 * Retries a Kafka step of a process's start. Right after topics are created, or while a broker
 * is starting, kafkajs reports retriable errors such as "not the leader for that topic-partition"
 * that its admin calls do not retry themselves.
 */
export function retryKafkaStartup<T>(what: string, step: () => Promise<T>, logger: Logger): Promise<T> {
  return retry(step, {
    initialMs: 200,
    maxMs: 3_000,
    factor: 2,
    jitter: 0.2,
    maxAttempts: 15,
    isRetriable,
    onRetry: (error, attempt, delayMs) =>
      logger.warn({ err: (error as Error).message, attempt, delayMs }, `${what} failed; retrying`),
  });
}
