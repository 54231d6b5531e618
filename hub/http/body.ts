import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { decodeJson } from '../../contracts/index.js';
import { HttpError, badRequest } from './errors.js';

export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

// A body a little over the limit is read to its end, so the client, still writing, gets the 413
// instead of a connection reset; beyond this much more the connection is cut.
const DRAIN_ALLOWANCE_BYTES = 1024 * 1024;

/** Why a Content-Type is not JSON this API reads, or undefined when it is. */
export function jsonContentTypeProblem(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === '') return 'missing Content-Type: send application/json';
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') {
    const shown = type.length > 64 ? `${type.slice(0, 61)}...` : type;
    return `Content-Type ${shown} is not supported: send application/json`;
  }
  for (const param of params) {
    const [name, value = ''] = param.split('=', 2).map((s) => s.trim());
    // RFC 8259 8.1: JSON exchanged between systems is UTF-8.
    if (name === 'charset' && value.replace(/^"|"$/g, '') !== 'utf-8')
      return 'only charset=utf-8 is supported';
  }
  return undefined;
}

function tooLarge(limit: number, cut: boolean): HttpError {
  return new HttpError(
    413,
    'payload_too_large',
    `request body is larger than ${limit} bytes`,
    cut ? { connection: 'close' } : {},
  );
}

/** The request body, at most `limit` bytes; a larger body is a 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit + DRAIN_ALLOWANCE_BYTES) return Promise.reject(tooLarge(limit, true));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > limit + DRAIN_ALLOWANCE_BYTES) {
        req.pause();
        settle(tooLarge(limit, true));
      }
    };
    const onEnd = (): void => settle(size > limit ? tooLarge(limit, false) : undefined);
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(new Error('the client closed the connection before the body ended'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** Reads a JSON body and validates it: 415, 413 or 400 with a reason when it is not acceptable. */
export async function readJson<T>(
  req: IncomingMessage,
  schema: z.ZodType<T>,
  limit: number = DEFAULT_BODY_LIMIT_BYTES,
): Promise<T> {
  const problem = jsonContentTypeProblem(req.headers['content-type']);
  if (problem !== undefined) throw new HttpError(415, 'unsupported_media_type', problem);
  const decoded = decodeJson(schema, await readBody(req, limit));
  if (!decoded.ok) throw badRequest(decoded.reason);
  return decoded.value;
}
