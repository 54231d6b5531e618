/**
 * The outcome of a step whose failures are expected (input that does not parse, a refusal), as a
 * value the caller must look at rather than an error it may forget to catch. A failure has a
 * closed `code` to branch on and a `reason` to show people; `Detail` adds what a caller needs
 * beyond those (the device a bad record claims, say). What is not expected is thrown, as an
 * `AppError` when the project raises it.
 */
export type Result<T, C extends string = string, Detail extends object = object> =
  Success<T> | Failure<C, Detail>;

export interface Success<T> {
  ok: true;
  value: T;
}

export type Failure<C extends string = string, Detail extends object = object> = {
  ok: false;
  code: C;
  reason: string;
} & Detail;

export function success<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function failure<C extends string>(code: C, reason: string): Failure<C>;
export function failure<C extends string, D extends object>(
  code: C,
  reason: string,
  detail: D,
): Failure<C, D>;
export function failure(code: string, reason: string, detail: object = {}): Failure {
  return { ok: false, code, reason, ...detail };
}
