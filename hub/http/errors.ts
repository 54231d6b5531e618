/** Every `error` value the hub's HTTP API answers with; `reason` says what exactly went wrong. */
export type HttpErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'internal_error'
  | 'unavailable';

export interface ErrorBody {
  error: HttpErrorCode;
  reason?: string;
}

/** Thrown by handlers and request readers; the server turns it into a JSON error reply. */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    readonly reason?: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: ErrorOptions,
  ) {
    super(reason === undefined ? code : `${code}: ${reason}`, options);
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
