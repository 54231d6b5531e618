import { MAX_WATCHED_DEVICES, type TelemetrySample } from '../../contracts/index.js';
import { frameOf } from '../console/console-connection.js';
import {
  errorMessage,
  requestIdOf,
  type ConsoleClient,
  type ConsoleServer,
} from '../console/console-server.js';
import { fleetChangesCoalescer, telemetryCoalescer } from './coalescers.js';
import type { FleetFeature } from './fleet-feature.js';
import { Watchers } from './watchers.js';

/**
 * The fleet on the console: a snapshot after `hello`, changes and alerts to every console, and the
 * readings of watched devices to the consoles that watch them.
 */
export function serveFleetOnConsole(console: ConsoleServer, fleet: FleetFeature): void {
  const watchers = new Watchers<ConsoleClient>(MAX_WATCHED_DEVICES);

  console.onConnect((client) => client.send(fleet.snapshot()));
  console.onDisconnect((client) => watchers.drop(client));

  console.handle('watch', (message, client) => {
    const outcome = watchers.watch(client, message.deviceIds);
    if (!outcome.ok)
      return Promise.resolve(errorMessage('invalid_request', outcome.reason, message.requestId));
    // The latest reading of each newly watched device, so its charts do not start empty.
    const samples = outcome.value
      .map((id) => fleet.state.latest(id))
      .filter((s): s is TelemetrySample => s !== undefined);
    if (samples.length > 0) client.offer(telemetryCoalescer, { type: 'telemetry', samples });
    return Promise.resolve({
      type: 'watching',
      ...requestIdOf(message),
      deviceIds: watchers.watched(client),
    });
  });

  console.handle('unwatch', (message, client) => {
    watchers.unwatch(client, message.deviceIds);
    return Promise.resolve({
      type: 'watching',
      ...requestIdOf(message),
      deviceIds: watchers.watched(client),
    });
  });

  fleet.on('telemetry', (sample) => {
    const clients = watchers.of(sample.deviceId);
    if (clients === undefined) return;
    const message = { type: 'telemetry' as const, samples: [sample] };
    const frame = frameOf(message, false);
    for (const client of clients) client.offer(telemetryCoalescer, message, frame);
  });
  fleet.on('changes', (changes) => console.offerAll(fleetChangesCoalescer, changes));
  fleet.on('alert', (alert) => console.broadcast({ type: 'alert', alert }));
}
