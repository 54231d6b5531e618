import type { Registry } from 'prom-client';
import type { Feature, HealthReport } from '../../common/process/feature.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

/** /healthz and /metrics: up first and down last, so operators see the whole start and stop. */
export class OpsFeature implements Feature {
  readonly name = 'ops';
  private server: OpsServer | undefined;

  constructor(
    private readonly port: number,
    private readonly host: string,
    private readonly report: () => HealthReport,
    private readonly registry: Registry,
  ) {}

  /** The port it listens on, once started. */
  listeningPort(): number {
    return this.server?.port() ?? 0;
  }

  async start(): Promise<void> {
    const registry = this.registry;
    this.server = await startOpsServer(this.port, this.host, {
      health: this.report,
      metrics: async () => ({ text: await registry.metrics(), contentType: registry.contentType }),
    });
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }
}
