import {
  commandIdSchema,
  commandListQuerySchema,
  summarizeIssues,
  type CommandListQuery,
} from '../../contracts/index.js';
import { badRequest } from '../http/errors.js';

export const MAX_PARAMS_BYTES = 8 * 1024;

/** Bytes of `params` as they travel in the command record and the MQTT payload. */
export function paramsBytes(params: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(params), 'utf8');
}

/** `?deviceId=&limit=`; an unknown or repeated parameter is a 400. */
export function parseListQuery(query: URLSearchParams): CommandListQuery {
  const raw = new Map<string, string>();
  for (const [key, value] of query) {
    if (!Object.hasOwn(commandListQuerySchema.shape, key))
      throw badRequest(`unknown query parameter ${key.slice(0, 64)}; use deviceId and limit`);
    if (raw.has(key)) throw badRequest(`query parameter ${key.slice(0, 64)} is given more than once`);
    raw.set(key, value);
  }
  const result = commandListQuerySchema.safeParse(Object.fromEntries(raw));
  if (!result.success) throw badRequest(summarizeIssues(result.error.issues));
  return result.data;
}

export function parseCommandIdParam(value: string | undefined): string {
  const result = commandIdSchema.safeParse(value);
  if (!result.success)
    throw badRequest(`invalid command id in path: ${result.error.issues[0]?.message ?? ''}`);
  return result.data;
}
