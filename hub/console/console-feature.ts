import { CONSOLE_PROTOCOL_VERSION } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import type { Feature } from '../../common/process/feature.js';
import { operatorAuthenticator } from '../auth/operator-auth.js';
import { createTokenVerifier } from '../auth/token.js';
import type { CommandsFeature } from '../commands/commands-feature.js';
import { serveCommandsOnConsole } from '../commands/console.js';
import { serveFleetOnConsole } from '../fleet/fleet-console.js';
import type { FleetFeature } from '../fleet/fleet-feature.js';
import type { HttpFeature } from '../http/http-feature.js';
import type { HubMetrics } from '../metrics.js';
import { ConsoleServer } from './console-server.js';
import { ConsoleMetrics } from './metrics.js';

export interface ConsoleFeatureDeps {
  http: HttpFeature;
  operatorToken: string;
  commands: CommandsFeature;
  fleet: FleetFeature;
  metrics: HubMetrics;
  logger: Logger;
}

/** The operator console at /ws on the hub's HTTP server; features register their messages on it. */
export class ConsoleFeature implements Feature {
  readonly name = 'console';
  private console: ConsoleServer | undefined;

  constructor(private readonly deps: ConsoleFeatureDeps) {}

  start(): Promise<void> {
    const { commands, fleet, metrics, operatorToken } = this.deps;
    this.console = new ConsoleServer({
      server: this.deps.http.server,
      auth: {
        authenticate: operatorAuthenticator(operatorToken),
        verifyToken: createTokenVerifier(operatorToken),
      },
      hello: () => ({
        type: 'hello',
        protocol: CONSOLE_PROTOCOL_VERSION,
        serverTime: Date.now(),
        commands: commands.service.limits,
      }),
      logger: this.deps.logger.child({ component: 'console' }),
      metrics: new ConsoleMetrics(metrics.registry),
      onAuthFailure: (reason) => metrics.authFailures.inc({ reason }),
    });
    serveCommandsOnConsole(this.console, commands.service, commands.tracker);
    serveFleetOnConsole(this.console, fleet);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.console?.close();
  }
}
