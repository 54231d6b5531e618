import type { Server } from 'node:http';
import type { Logger } from '../../common/logger.js';
import type { Feature } from '../../common/process/feature.js';
import { operatorAuthenticator } from '../auth/operator-auth.js';
import type { HubMetrics } from '../metrics.js';
import type { Route } from './route.js';
import { startHttpServer, type HttpServer } from './server.js';

/** Time requests in progress get to finish when the hub stops. */
export const HUB_SHUTDOWN_GRACE_MS = 10_000;

export interface HttpFeatureOptions {
  host: string;
  port: number;
  operatorToken: string;
  /** Every route served, asked for once the features that serve them have started. */
  routes: () => Promise<readonly Route[]>;
  metrics: HubMetrics;
  logger: Logger;
}

/** The hub's HTTP server: the API, /healthz, /metrics and the console page. */
export class HttpFeature implements Feature {
  readonly name = 'http';
  private http: HttpServer | undefined;

  constructor(private readonly o: HttpFeatureOptions) {}

  /** The node:http server, once started. */
  get server(): Server {
    if (this.http === undefined) throw new Error('the HTTP server is not started');
    return this.http.server;
  }

  port(): number {
    return this.http?.port() ?? 0;
  }

  async start(): Promise<void> {
    const { metrics } = this.o;
    this.http = await startHttpServer({
      host: this.o.host,
      port: this.o.port,
      routes: await this.o.routes(),
      authenticate: operatorAuthenticator(this.o.operatorToken),
      logger: this.o.logger.child({ component: 'http' }),
      observe: (route, method, status, seconds) => metrics.observeRequest(route, method, status, seconds),
      onAuthFailure: (reason) => metrics.authFailures.inc({ reason }),
    });
  }

  async stop(): Promise<void> {
    await this.http?.close(HUB_SHUTDOWN_GRACE_MS);
  }
}
