import { AppError, type ErrorCode } from '../../common/errors.js';
import type { ApiErrorBody } from '../../contracts/index.js';

/** Every `error` value the hub's HTTP API answers with; `reason` says what exactly went wrong. */
export type HttpErrorCode = ErrorCode<'http'>;

export type ErrorBody = ApiErrorBody;

/** Thrown by handlers and request readers; the server turns it into a JSON error reply. */
export class HttpError extends AppError<HttpErrorCode> {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    code: HttpErrorCode,
    readonly reason?: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: ErrorOptions,
  ) {
    // A client may send the same request again once the hub's dependency is back.
    super(code, reason === undefined ? code : `${code}: ${reason}`, {
      retriable: code === 'unavailable',
      cause: options?.cause,
    });
  }

  get body(): ErrorBody {
    return this.reason === undefined ? { error: this.code } : { error: this.code, reason: this.reason };
  }
}

export const badRequest = (reason: string): HttpError => new HttpError(400, 'invalid_request', reason);
export const notFound = (reason?: string): HttpError => new HttpError(404, 'not_found', reason);
export const conflict = (reason: string): HttpError => new HttpError(409, 'conflict', reason);
export const unavailable = (reason: string, cause?: unknown): HttpError =>
  new HttpError(503, 'unavailable', reason, {}, { cause });
