import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../config/index.js';
import { planHostPorts } from '../../../../gateway/cluster/host-ports.js';
import { loopbackOf } from '../../../../gateway/cluster/worker-endpoints.js';

describe('planHostPorts', () => {
  it('replaces listener ports set to 0 and gives each worker an ops port, all distinct', async () => {
    const { mqtt } = configSchema.parse({ mqtt: { host: '127.0.0.1', port: 0, wsPort: 0, tlsPort: 18883 } });
    const { listeners, workerOps } = await planHostPorts(mqtt, 3);
    expect(listeners.tlsPort).toBe(18883);
    expect(listeners.wssPort).toBe(8884);
    const picked = [listeners.port, listeners.wsPort, ...workerOps];
    expect(workerOps).toHaveLength(3);
    expect(new Set(picked).size).toBe(5);
    for (const port of picked) expect(port).toBeGreaterThan(0);
  });
});

describe('loopbackOf', () => {
  it('reaches a wildcard bind on loopback and brackets IPv6 literals', () => {
    expect(['0.0.0.0', '::', '10.1.2.3', 'fd00::1'].map(loopbackOf)).toEqual([
      '127.0.0.1',
      '[::1]',
      '10.1.2.3',
      '[fd00::1]',
    ]);
  });
});
