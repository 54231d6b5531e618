import { destination, pino, stdSerializers, type Logger } from 'pino';

export type { Logger };

// An HTTP client's error can carry its request and response: the influx client's RequestError
// holds the request whose headers carry INFLUX_URL's credentials (Basic auth) in clear.
const HTTP_EXCHANGE_KEYS = ['req', 'res', 'request', 'response', 'headers', 'options', 'config'];

/** pino's error serializer, minus any HTTP exchange the error holds. */
export function serializeError(err: unknown): unknown {
  const serialized: unknown = stdSerializers.err(err as Error);
  if (typeof serialized !== 'object' || serialized === null) return serialized;
  const out = { ...(serialized as Record<string, unknown>) };
  for (const key of HTTP_EXCHANGE_KEYS) delete out[key];
  return out;
}

/**
 * Structured JSON logs on stdout; one logger per process, children per component. Writes are
 * synchronous: pino's asynchronous default can reorder lines while stdout's pipe is full (a busy
 * collector, several cluster workers sharing it) and race its own exit flush on `process.exit`, so
 * the last lines before an exit arrived out of order. The gateway logs per connection, never per
 * message, so the write cost is off the hot path.
 */
export function createLogger(name: string, level: string): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: serializeError },
      redact: {
        paths: ['password', 'secret', '*.password', '*.secret', 'token', '*.token'],
        censor: '[redacted]',
      },
    },
    destination({ dest: 1, sync: true }),
  );
}
