import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../common/logger.js';
import {
  OPERATOR_AUTH_REASONS,
  type OperatorAuthFailure,
  type OperatorAuthResult,
} from '../auth/operator-auth.js';
import { HttpError, badRequest, notFound } from './errors.js';
import type { Reply, Route, RouteAuth } from './route.js';
import { Router } from './router.js';
import { parseTarget } from './target.js';

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  authenticate(authorization: string | undefined): OperatorAuthResult;
  logger: Logger;
  /** Called once per answered request; `route` is the route name or `unmatched`. */
  observe?(route: string, method: string, status: number, seconds: number): void;
  onAuthFailure?(failure: OperatorAuthFailure): void;
}

export interface HttpServer {
  /** The node:http server, for `upgrade` listeners such as the WebSocket console. */
  readonly server: Server;
  port(): number;
  /** Stops accepting, lets requests in progress finish for up to `graceMs`, then cuts the rest. */
  close(graceMs: number): Promise<void>;
}

// Everything under /api is the operator's, matched or not, so an unauthenticated caller cannot
// learn which routes exist from the difference between 401 and 404.
function isOperatorPath(segments: readonly string[]): boolean {
  return segments[0] === 'api';
}

const REQUEST_TIMEOUT_MS = 30_000;

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const router = new Router(options.routes);
  const log = options.logger;
  let closing = false;

  const dispatch = async (req: IncomingMessage, onRoute: (name: string) => void): Promise<Reply> => {
    const method = req.method ?? 'GET';
    const target = parseTarget(req.url ?? '/');
    if ('error' in target) throw badRequest(target.error);
    const match = router.match(method, target.segments);
    if (match.kind === 'found') onRoute(match.route.name);
    const auth: RouteAuth =
      match.kind === 'found' ? match.route.auth : isOperatorPath(target.segments) ? 'operator' : 'public';
    if (auth === 'operator') {
      const result = options.authenticate(req.headers.authorization);
      if (!result.ok) {
        options.onAuthFailure?.(result.code);
        log.warn(
          { failure: result.code, remote: req.socket.remoteAddress },
          'operator authentication failed',
        );
        const error = result.code === 'wrong_token' ? ', error="invalid_token"' : '';
        throw new HttpError(401, 'unauthorized', OPERATOR_AUTH_REASONS[result.code], {
          'www-authenticate': `Bearer realm="hub"${error}`,
        });
      }
    }
    if (match.kind === 'not_found') throw notFound(`no route for ${target.path.slice(0, 200)}`);
    if (match.kind === 'method_not_allowed') {
      const allow = match.allow.join(', ');
      throw new HttpError(405, 'method_not_allowed', `${method} is not allowed here; use ${allow}`, {
        allow,
      });
    }
    return match.route.handle({ req, params: match.params, query: target.query, log });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    let routeName = 'unmatched';
    let reply: Reply;
    try {
      reply = await dispatch(req, (name) => (routeName = name));
    } catch (error) {
      if (error instanceof HttpError) {
        reply = { status: error.status, headers: { ...error.headers }, json: error.body };
      } else {
        log.error({ err: error, route: routeName }, 'request failed');
        reply = { status: 500, json: { error: 'internal_error' } };
      }
    }
    // A keep-alive connection would otherwise hold close() open after its last answer.
    if (closing) res.setHeader('connection', 'close');
    writeReply(res, reply);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    options.observe?.(routeName, req.method ?? 'GET', reply.status, seconds);
    log.debug(
      { method: req.method, route: routeName, status: reply.status, ms: Math.round(seconds * 1000) },
      'request',
    );
  };

  const server = createServer((req, res) => void handle(req, res));
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { port } = server.address() as AddressInfo;
  return {
    server,
    port: () => port,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Replies can carry device secrets; nothing in between may keep a copy.
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...reply.headers,
  };
  if ('json' in reply) {
    res.writeHead(reply.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(reply.json));
  } else if ('body' in reply) {
    res.writeHead(reply.status, { ...headers, 'content-type': reply.contentType });
    res.end(reply.body);
  } else {
    res.writeHead(reply.status, headers).end();
  }
}
