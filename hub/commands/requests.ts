import { z } from 'zod';
import {
  commandIdSchema,
  commandNameSchema,
  deviceIdSchema,
  jsonObjectSchema,
  summarizeIssues,
} from '../../contracts/index.js';
import { badRequest } from '../http/errors.js';

export const MIN_TTL_MS = 1000;
export const MAX_PARAMS_BYTES = 8 * 1024;

export interface IssueLimits {
  defaultTtlMs: number;
  maxTtlMs: number;
  maxParamsBytes: number;
}

/** The body of POST /api/commands, and the fields of the console's issueCommand message. */
export function issueRequestSchema(limits: IssueLimits) {
  return z.strictObject({
    deviceId: deviceIdSchema,
    name: commandNameSchema,
    params: jsonObjectSchema.default({}),
    ttlMs: z
      .int('ttlMs must be an integer number of milliseconds')
      .min(MIN_TTL_MS, `ttlMs must be at least ${MIN_TTL_MS}`)
      .max(limits.maxTtlMs, `ttlMs must be at most ${limits.maxTtlMs} (COMMAND_MAX_TTL_MS)`)
      .default(Math.min(limits.defaultTtlMs, limits.maxTtlMs)),
  });
}
export type IssueRequest = z.infer<ReturnType<typeof issueRequestSchema>>;

/** Bytes of `params` as they travel in the command record and the MQTT payload. */
export function paramsBytes(params: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(params), 'utf8');
}

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 500;

const listQuerySchema = z.strictObject({
  deviceId: deviceIdSchema.optional(),
  limit: z
    .string()
    .regex(/^\d{1,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.int().min(1, 'must be at least 1').max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`))
    .default(DEFAULT_LIST_LIMIT),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

/** `?deviceId=&limit=`; an unknown or repeated parameter is a 400. */
export function parseListQuery(query: URLSearchParams): ListQuery {
  const raw = new Map<string, string>();
  for (const [key, value] of query) {
    if (!Object.hasOwn(listQuerySchema.shape, key))
      throw badRequest(`unknown query parameter ${key.slice(0, 64)}; use deviceId and limit`);
    if (raw.has(key)) throw badRequest(`query parameter ${key.slice(0, 64)} is given more than once`);
    raw.set(key, value);
  }
  const result = listQuerySchema.safeParse(Object.fromEntries(raw));
  if (!result.success) throw badRequest(summarizeIssues(result.error.issues));
  return result.data;
}

export function parseCommandIdParam(value: string | undefined): string {
  const result = commandIdSchema.safeParse(value);
  if (!result.success)
    throw badRequest(`invalid command id in path: ${result.error.issues[0]?.message ?? ''}`);
  return result.data;
}
