import { deviceIdSchema, pageQuerySchema, summarizeIssues, type PageQuery } from '../../contracts/index.js';
import { badRequest } from '../http/errors.js';

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
