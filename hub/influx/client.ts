import { InfluxDB, type IPoolOptions } from 'influx';

type Backoff = NonNullable<IPoolOptions['backoff']>;

const NO_BACKOFF: Backoff = {
  getDelay: () => 0,
  next: () => NO_BACKOFF,
  reset: () => NO_BACKOFF,
};

export interface InfluxConnection {
  influx: InfluxDB;
  database: string;
}

export interface InfluxClientOptions {
  requestTimeoutMs: number;
}

/**
 * A client for INFLUX_URL (`http(s)://[user:pass@]host:port/database`). The client's own retries
 * are off: callers retry with the project's backoff, and the influx pool's host blacklisting
 * would otherwise hide a recovered server for up to ten seconds.
 */
export function createInfluxClient(url: string, options: InfluxClientOptions): InfluxConnection {
  // Node's URL error carries the input, and this one may hold credentials.
  if (!URL.canParse(url)) throw new TypeError('the InfluxDB URL is not a URL');
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\/|\/$/g, ''));
  if (database === '') throw new TypeError('the InfluxDB URL must name a database in its path');
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  const influx = new InfluxDB({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (protocol === 'https' ? 443 : 8086) : Number(parsed.port),
    protocol,
    database,
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    pool: {
      maxRetries: 0,
      requestTimeout: options.requestTimeoutMs,
      backoff: NO_BACKOFF,
    },
  });
  return { influx, database };
}
