import type { Aedes, Client } from 'aedes';
import type { Logger } from '../../common/logger.js';
import type { DeviceRegistryView } from '../../common/registry/device-registry.js';
import type { Boundary } from '../safety/boundary.js';

// aedes keeps its clients out of its type declarations.
function clientOf(broker: Aedes, deviceId: string): (Client & { close(): void }) | undefined {
  return (broker as unknown as { clients: Record<string, (Client & { close(): void }) | undefined> }).clients[
    deviceId
  ];
}

/** A device deleted from the registry, or whose secret was rotated, loses its connection at once. */
export function disconnectOnRotation(
  registry: DeviceRegistryView,
  broker: Aedes,
  boundary: Boundary,
  log: Logger,
): void {
  registry.on(
    'change',
    boundary.guard('registry_change', (deviceId, record, previous) => {
      const client = clientOf(broker, deviceId);
      if (!client) return;
      if (record === null || record.secretHash !== previous?.secretHash) {
        log.info(
          { deviceId, reason: record === null ? 'deleted' : 'secret rotated' },
          'disconnecting device',
        );
        client.close();
      }
    }),
  );
}
