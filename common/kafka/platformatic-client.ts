import type { BaseOptions } from '@platformatic/kafka';
import type { KafkaClientOptions } from './client.js';

// The same request retries as the kafkajs client (`client.ts`): 8, from 100 ms doubling up to 5 s.
const REQUEST_RETRIES = 8;
const RETRY_DELAY_MS = { initial: 100, max: 5_000 };

function retryDelay(_client: unknown, _operation: string, attempt: number): number {
  const base = Math.min(RETRY_DELAY_MS.max, RETRY_DELAY_MS.initial * 2 ** (attempt - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** What every @platformatic/kafka client of the project is built with, from the settings kafkajs takes. */
export function clientBaseOptions(options: KafkaClientOptions): BaseOptions {
  return {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    connectTimeout: options.connectionTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retries: REQUEST_RETRIES,
    retryDelay,
    autocreateTopics: false,
  };
}
