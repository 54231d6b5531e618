import type { Aedes, Client, PublishPacket } from 'aedes';
import type { Boundary } from '../safety/boundary.js';

type Done = (error?: Error | null) => void;
type RoutingPublish = (packet: PublishPacket, client: Client | null | Done, done?: Done) => void;

/**
 * Nothing a device publishes is routed by the broker: it went to Kafka from `authorizePublish`,
 * and that is its only destination. aedes hands every publish a client sent (and a client's Will)
 * to `broker.publish(packet, client, done)`, which would match it against every subscription,
 * online or offline, and queue it for persistent sessions before `authorizeForward` is ever asked.
 * Only the gateway's own publishes (commands, error notices, aedes's `$SYS` traffic), which carry
 * no client, are routed.
 */
export function routeOnlyGatewayMessages(broker: Aedes): void {
  const route = (broker.publish as unknown as RoutingPublish).bind(broker);
  const publish: RoutingPublish = (packet, client, done) => {
    if (typeof client === 'function' || client === null || client === undefined) {
      route(packet, client ?? null, done);
      return;
    }
    if (done) process.nextTick(done, null);
  };
  (broker as unknown as { publish: RoutingPublish }).publish = publish;
}

/**
 * aedes calls event listeners (presence, downlink) synchronously from inside its packet handlers,
 * where an exception would escape to the socket and the process. Every emit is a boundary.
 */
export function guardBrokerEvents(broker: Aedes, boundary: Boundary): void {
  const emit = broker.emit.bind(broker) as (event: string | symbol, ...args: unknown[]) => boolean;
  (broker as unknown as { emit: typeof emit }).emit = (event, ...args) => {
    try {
      return emit(event, ...args);
    } catch (error) {
      boundary.failed(`broker_event_${String(event)}`, error);
      return true;
    }
  };
  // aedes reports persistence failures as broker errors; unhandled, an 'error' event exits the process.
  (broker as unknown as NodeJS.EventEmitter).on('error', (error: Error) =>
    boundary.failed('broker_error', error),
  );
}
