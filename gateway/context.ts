import type { Config } from '../config/index.js';
import type { Logger } from '../common/logger.js';
import type { GatewayMetrics } from './metrics.js';
import type { Boundary } from './safety/boundary.js';

/** What every feature of one gateway process shares. */
export interface GatewayContext {
  config: Config;
  gatewayId: string;
  log: Logger;
  metrics: GatewayMetrics;
  boundary: Boundary;
}
