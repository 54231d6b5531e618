import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../common/logger.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `operator`: the request must carry the operator bearer token; `public`: anyone on the network. */
export type RouteAuth = 'operator' | 'public';

export type Reply =
  | { status: number; headers?: Record<string, string>; json: unknown }
  | { status: number; headers?: Record<string, string>; body: string | Buffer; contentType: string }
  | { status: number; headers?: Record<string, string> };

export interface RequestContext {
  req: IncomingMessage;
  /** Path parameters, percent-decoded, by the names in the route's path (`:id`). */
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  log: Logger;
}

export interface Route {
  method: HttpMethod;
  /** Segments separated by `/`; a segment `:name` matches any one non-empty segment. */
  path: string;
  auth: RouteAuth;
  /** Stable label for metrics and logs, such as `devices.get`. */
  name: string;
  handle(ctx: RequestContext): Promise<Reply>;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  headers === undefined ? { status, json: body } : { status, json: body, headers };
