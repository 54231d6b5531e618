import type { ApiErrorCode } from '../contracts/http-errors.js';

/**
 * Every error code the project's own errors carry, by the part of the system that raises them.
 * A code says what went wrong, the class says where: `unavailable` from the InfluxDB writer and
 * from the HTTP API both mean that a service the caller needs is down for now. Some codes are
 * public: HTTP codes are the `error` of the API's JSON replies, InfluxDB write codes label
 * `maintenance_influx_write_failures_total`.
 */
export interface ErrorCodesByArea {
  config: 'invalid_config';
  mqtt: 'packet_too_large' | 'first_packet_not_connect';
  kafka: 'record_rejected' | 'batcher_closed' | 'produce_failed';
  influxWrite: 'unavailable' | 'database_missing' | 'unauthorized' | 'rejected';
  influxQuery: 'query_failed';
  http: ApiErrorCode;
  hubClient: 'hub_refused' | 'hub_unreachable';
}

export type ErrorArea = keyof ErrorCodesByArea;

/** The closed set of codes, or the codes of one area. */
export type ErrorCode<A extends ErrorArea = ErrorArea> = ErrorCodesByArea[A];

export interface AppErrorOptions {
  /** Whether running the failed step again, unchanged, may succeed. */
  retriable: boolean;
  cause?: unknown;
}

/** The base of every error the project throws on purpose. */
export abstract class AppError<C extends ErrorCode = ErrorCode> extends Error {
  readonly retriable: boolean;

  constructor(
    readonly code: C,
    message: string,
    options: AppErrorOptions,
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retriable = options.retriable;
  }
}
