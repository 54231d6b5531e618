import { backoffDelay, type BackoffOptions } from '../../common/retry.js';

export const SIM_RECONNECT_BACKOFF: BackoffOptions = {
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.5,
};

/** The slice of an mqtt.js client the backoff needs. */
export interface ReconnectingClient {
  options: { reconnectPeriod?: number };
  on(event: 'connect' | 'reconnect', listener: () => void): unknown;
}

/** Delay before reconnect attempt `attempt`; never 0, which would switch mqtt.js reconnects off. */
export function reconnectDelay(attempt: number, options: BackoffOptions, random?: () => number): number {
  return Math.max(1, backoffDelay(attempt, options, random));
}

/**
 * mqtt.js retries on a fixed `reconnectPeriod`, but reads that option afresh whenever a
 * connection closes. Rewriting it before each attempt turns the fixed period into jittered
 * exponential backoff while keeping mqtt.js's own reconnect path, which resends unacknowledged
 * QoS 1 packets from its outgoing store (the public `reconnect()` would start a new, empty store).
 */
export function applyReconnectBackoff(
  client: ReconnectingClient,
  options: BackoffOptions,
  random?: () => number,
): void {
  let attempt = 0;
  client.options.reconnectPeriod = reconnectDelay(0, options, random);
  client.on('reconnect', () => {
    attempt++;
    client.options.reconnectPeriod = reconnectDelay(attempt, options, random);
  });
  client.on('connect', () => {
    attempt = 0;
    client.options.reconnectPeriod = reconnectDelay(0, options, random);
  });
}
