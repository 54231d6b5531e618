import { RequestError, ServiceNotAvailableError } from 'influx/lib/src/pool.js';
import { AppError, type ErrorCode } from '../../common/errors.js';

/** Why a write did not go through; the codes label `maintenance_influx_write_failures_total`. */
export type InfluxErrorCode = ErrorCode<'influxWrite'>;

/**
 * Whether the same write may go through later. Only `rejected` is final: InfluxDB refused the
 * points themselves. A missing database is created by the maintenance set-up, and credentials
 * and outages are an operator's to fix while the consumer holds its position.
 */
export const INFLUX_WRITE_RETRIABLE: Readonly<Record<InfluxErrorCode, boolean>> = {
  unavailable: true,
  database_missing: true,
  unauthorized: true,
  rejected: false,
};

export class InfluxWriteError extends AppError<InfluxErrorCode> {
  override readonly name = 'InfluxWriteError';

  constructor(code: InfluxErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, { retriable: INFLUX_WRITE_RETRIABLE[code], cause: options?.cause });
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
