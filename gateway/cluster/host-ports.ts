import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Config } from '../../config/index.js';

export type ListenerPorts = Pick<Config['mqtt'], 'port' | 'wsPort' | 'tlsPort' | 'wssPort'>;

export interface HostPorts {
  /** The MQTT listeners every worker shares, none of them 0. */
  listeners: ListenerPorts;
  /** Each worker's own health and metrics port, which only the primary scrapes. */
  workerOps: number[];
}

const LISTENER_KEYS = ['port', 'wsPort', 'tlsPort', 'wssPort'] as const;

/** Ports free at this moment, distinct from each other: all are held open until every one is known. */
export async function freePorts(host: string, count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/**
 * Concrete ports for a cluster. node:cluster gives every worker the same server for the same
 * address and port, so two listeners of one worker on port 0 would collide (and each worker's own
 * ops server on port 0 would be shared): the primary picks the ports before it forks.
 */
export async function planHostPorts(mqtt: Config['mqtt'], workers: number): Promise<HostPorts> {
  const unset = LISTENER_KEYS.filter((key) => mqtt[key] === 0);
  const free = await freePorts(mqtt.host, unset.length + workers);
  const listeners: ListenerPorts = {
    port: mqtt.port,
    wsPort: mqtt.wsPort,
    tlsPort: mqtt.tlsPort,
    wssPort: mqtt.wssPort,
  };
  for (const [i, key] of unset.entries()) listeners[key] = free[i] ?? 0;
  return { listeners, workerOps: free.slice(unset.length) };
}
