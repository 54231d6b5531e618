import { z } from 'zod';
import { deviceIdSchema, jsonObjectSchema, summarizeIssues } from '../../contracts/index.js';
import { badRequest } from '../http/errors.js';

export const createDeviceRequestSchema = z.strictObject({
  id: deviceIdSchema,
  attributes: jsonObjectSchema.default({}),
});
export type CreateDeviceRequest = z.infer<typeof createDeviceRequestSchema>;

export const MAX_PAGE_LIMIT = 1000;
export const DEFAULT_PAGE_LIMIT = 100;

const count = (max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a non-negative integer')
    .transform(Number)
    .pipe(z.int().max(max, `must be at most ${max}`));

export const pageQuerySchema = z.strictObject({
  limit: count(MAX_PAGE_LIMIT).pipe(z.int().min(1, 'must be at least 1')).default(DEFAULT_PAGE_LIMIT),
  offset: count(1_000_000_000).default(0),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

/** `?limit=&offset=`; a repeated or unknown parameter is a 400, so a typo is not silently ignored. */
export function parsePageQuery(query: URLSearchParams): PageQuery {
  const raw = new Map<string, string>();
  for (const [key, value] of query) {
    if (!Object.hasOwn(pageQuerySchema.shape, key))
      throw badRequest(`unknown query parameter ${key.slice(0, 64)}; use limit and offset`);
    if (raw.has(key)) throw badRequest(`query parameter ${key.slice(0, 64)} is given more than once`);
    raw.set(key, value);
  }
  const result = pageQuerySchema.safeParse(Object.fromEntries(raw));
  if (!result.success) throw badRequest(summarizeIssues(result.error.issues));
  return result.data;
}

/** A device id taken from the path; 400 with the rule it breaks when it is not one. */
export function parseDeviceIdParam(value: string | undefined): string {
  const result = deviceIdSchema.safeParse(value);
  if (!result.success)
    throw badRequest(`invalid device id in path: ${result.error.issues[0]?.message ?? ''}`);
  return result.data;
}
