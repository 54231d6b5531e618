import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthReport } from '../../common/process/feature.js';

export interface OpsServer {
  port(): number;
  close(): Promise<void>;
}

/** What the operators' endpoints report: one gateway's own, or a cluster primary's over its workers. */
export interface OpsSources {
  health(): HealthReport | Promise<HealthReport>;
  /** Prometheus exposition text and its content type. */
  metrics(): Promise<{ text: string; contentType: string }>;
}

/** /healthz (200 or 503 with a JSON report) and /metrics (Prometheus text) for operators. */
export async function startOpsServer(port: number, host: string, sources: OpsSources): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const fail = (error: unknown): void => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
        .end('{"error":"method not allowed"}');
    } else if (path === '/healthz') {
      Promise.resolve()
        .then(() => sources.health())
        .then((report) => {
          res
            .writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' })
            .end(JSON.stringify(report));
        }, fail);
    } else if (path === '/metrics') {
      sources.metrics().then(({ text, contentType }) => {
        res.writeHead(200, { 'content-type': contentType }).end(text);
      }, fail);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Exclusive: a cluster worker binds its own ops port rather than sharing a handle through the
    // primary, so its health and metrics do not depend on the primary's accept queue or files.
    server.listen({ port, host, exclusive: true }, () => resolve());
  });
  return {
    port: () => (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
