import type { Registry } from 'prom-client';
import type { Route } from './route.js';
import type { HealthReport } from '../../common/process/feature.js';

/**
 * /healthz and /metrics are public, as on the gateway: probes and scrapers rarely carry tokens,
 * the hub binds to loopback by default, and neither answer holds a device id, secret or token.
 */
export function opsRoutes(health: () => HealthReport, registry: Registry): Route[] {
  return [
    {
      method: 'GET',
      path: '/healthz',
      auth: 'public',
      name: 'healthz',
      handle: () => {
        const report = health();
        return Promise.resolve({ status: report.healthy ? 200 : 503, json: report });
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: 'public',
      name: 'metrics',
      handle: async () => ({
        status: 200,
        body: await registry.metrics(),
        contentType: registry.contentType,
      }),
    },
  ];
}
