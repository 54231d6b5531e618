import type { Config } from '../../config/index.js';
import type { ListenerPorts } from './host-ports.js';
import { workerLimits } from './worker-limits.js';

export interface WorkerPlan {
  /** 0-based slot of the worker; a restarted worker keeps its slot. */
  index: number;
  gatewayId: string;
  opsPort: number;
}

/** The configuration one worker runs as a single gateway with, derived from the host's. */
export function workerConfig(config: Config, listeners: ListenerPorts, plan: WorkerPlan): Config {
  return {
    ...config,
    mqtt: { ...config.mqtt, ...listeners },
    gateway: {
      ...config.gateway,
      ...workerLimits(config.gateway, plan.index),
      id: plan.gatewayId,
      httpPort: plan.opsPort,
      // A worker is one gateway: it forks nothing.
      workers: 1,
    },
  };
}
