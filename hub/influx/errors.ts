import { RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';

/** Why a write did not go through. Only `rejected` is final; the rest pass once InfluxDB is back. */
export type InfluxErrorCode = 'unavailable' | 'database_missing' | 'unauthorized' | 'rejected';

export class InfluxWriteError extends Error {
  override readonly name = 'InfluxWriteError';
  readonly retriable: boolean;

  constructor(
    readonly code: InfluxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retriable = code !== 'rejected';
  }
}

export type WriteResponse =
  /** InfluxDB stored the rest and names how many it refused (retention, field type conflicts). */
  { kind: 'partial'; dropped: number; reason: string } | { kind: 'failed'; error: InfluxWriteError };

const PARTIAL = /partial write: (.*?) dropped=(\d+)/;

/** Sorts what the influx client threw into the cases the sink handles differently. */
export function classifyWriteError(error: unknown): WriteResponse {
  if (error instanceof RequestError) {
    const status = error.res.statusCode ?? 0;
    const partial = PARTIAL.exec(error.message);
    if (partial !== null) {
      return { kind: 'partial', dropped: Number(partial[2]), reason: partial[1] ?? 'partial write' };
    }
    if (status === 404 && /database not found/.test(error.message)) {
      return {
        kind: 'failed',
        error: new InfluxWriteError('database_missing', error.message, { cause: error }),
      };
    }
    if (status === 401 || status === 403) {
      return { kind: 'failed', error: new InfluxWriteError('unauthorized', error.message, { cause: error }) };
    }
    if (status >= 400 && status < 500) {
      return { kind: 'failed', error: new InfluxWriteError('rejected', error.message, { cause: error }) };
    }
  }
  // 5xx, timeouts and refused connections (ServiceNotAvailableError or a bare socket error).
  const message =
    error instanceof ServiceNotAvailableError || error instanceof Error ? error.message : String(error);
  return { kind: 'failed', error: new InfluxWriteError('unavailable', message, { cause: error }) };
}
