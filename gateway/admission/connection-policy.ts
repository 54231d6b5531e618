import type { Aedes } from 'aedes';
import type { Config } from '../../config/index.js';
import { TokenBuckets } from '../auth/token-buckets.js';
import { connectPacketLimit } from '../broker/connect-policy.js';
import type { ListenerPolicy } from '../listeners.js';
import type { GatewayMetrics } from '../metrics.js';
import type { Boundary } from '../safety/boundary.js';
import { PendingConnections } from './pending-connections.js';

/** Which connections the listeners take before any MQTT is read: a cap, a rate per address, packet sizes. */
export function connectionPolicy(
  config: Config,
  broker: Aedes,
  metrics: GatewayMetrics,
  boundary: Boundary,
): ListenerPolicy {
  const g = config.gateway;
  const perAddress = new TokenBuckets(g.connectsPerIpPerSecond * 2, g.connectsPerIpPerSecond);
  return {
    host: config.mqtt.host,
    maxConnections: g.maxConnections,
    maxPacketBytes: g.maxPacketBytes,
    connectMaxBytes: Math.min(g.maxPacketBytes, connectPacketLimit(g.maxPayloadBytes)),
    handshakeTimeoutMs: g.handshakeTimeoutMs,
    pending: new PendingConnections(g.maxPendingConnectionsPerAddress, g.maxPendingConnections),
    onRefused: (reason, error) => {
      metrics.connectionsRefused.inc({ reason });
      if (reason === 'socket_handler_failed') boundary.failed('socket_handler', error);
    },
    admit: (address) => {
      if (broker.connectedClients >= g.maxConnections || !perAddress.take(address ?? 'unknown')) {
        metrics.rejections.inc({ reason: 'connection_refused' });
        return false;
      }
      return true;
    },
    onOversizedPacket: () => metrics.rejections.inc({ reason: 'packet_too_large' }),
  };
}
