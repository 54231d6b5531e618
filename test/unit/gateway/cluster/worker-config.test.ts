import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/index.js';
import { workerConfig } from '../../../../gateway/cluster/worker-config.js';

describe('workerConfig', () => {
  const host = configSchema.parse({
    gateway: { workers: 2, id: 'edge', maxConnections: 1001 },
    mqtt: { port: 0, wsPort: 0 },
  });
  const listeners = { port: 41883, wsPort: 48083, tlsPort: 8883, wssPort: 8884 };
  const config = workerConfig(host, listeners, { index: 1, gatewayId: 'edge-w2', opsPort: 49464 });

  it('is a valid single-gateway configuration', () => {
    expect(configSchema.parse(config)).toEqual(config);
    expect(config.gateway.workers).toBe(1);
  });

  it('has the shared listener ports, its own id, ops port and share of the limits', () => {
    expect(config.mqtt).toMatchObject({ port: 41883, wsPort: 48083 });
    expect(config.gateway).toMatchObject({ id: 'edge-w2', httpPort: 49464, maxConnections: 500 });
  });
});
