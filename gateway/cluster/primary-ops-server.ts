import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthReport } from '../../common/process/feature.js';
import type { OpsServer } from '../http/ops-server.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ClusterOpsSources {
  health(): Promise<HealthReport>;
  /** Prometheus text of the whole cluster. */
  metrics(): Promise<string>;
}

/** /healthz and /metrics of a gateway cluster, answered by its primary from every worker. */
export async function startClusterOpsServer(
  port: number,
  host: string,
  sources: ClusterOpsSources,
): Promise<OpsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const fail = (error: unknown): void => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' })
        .end('{"error":"method not allowed"}');
    } else if (path === '/healthz') {
      sources.health().then((report) => {
        res
          .writeHead(report.healthy ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify(report));
      }, fail);
    } else if (path === '/metrics') {
      sources.metrics().then((text) => {
        res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(text);
      }, fail);
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
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
