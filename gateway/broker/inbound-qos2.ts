import type { Client } from 'aedes';

export interface IncomingStore {
  incomingGetPacket(client: Client, packet: { messageId?: number }): Promise<unknown>;
  incomingDelPacket(client: Client, packet: { messageId?: number }): Promise<unknown>;
}

/**
 * Exactly-once reception of QoS 2 PUBLISHes [MQTT-4.3.3-2]: a message id the session holds until
 * PUBREL goes to Kafka once, however often the device resends it. aedes runs `authorizePublish`,
 * where the gateway writes to Kafka, before its own duplicate check, so the check happens here:
 * first against the messages still on their way to Kafka, then against aedes's incoming store
 * (which also holds what a persistent session received before a reconnect). State lives with the
 * connection, is bounded by aedes's `maxInflightInbound`, and is released with the PUBREL.
 */
export class InboundQos2 {
  private readonly inFlight = new WeakMap<Client, Map<number, Promise<void>>>();

  constructor(private readonly store: IncomingStore) {
    const release = store.incomingDelPacket.bind(store);
    store.incomingDelPacket = (client, packet) => {
      this.forget(client, packet.messageId);
      return release(client, packet);
    };
  }

  /**
   * 'first' for a message id this session has not seen since its last PUBREL (call `settled` when
   * its records are in Kafka or refused); 'duplicate' once the first copy has settled.
   */
  async admit(
    client: Client,
    messageId: number,
  ): Promise<{ kind: 'first'; settled: () => void } | { kind: 'duplicate' }> {
    const pending = this.inFlight.get(client)?.get(messageId);
    if (pending) {
      await pending;
      return { kind: 'duplicate' };
    }
    let settled!: () => void;
    const done = new Promise<void>((resolve) => (settled = resolve));
    let ids = this.inFlight.get(client);
    if (!ids) this.inFlight.set(client, (ids = new Map<number, Promise<void>>()));
    ids.set(messageId, done);
    const stored = await this.store.incomingGetPacket(client, { messageId }).then(
      () => true,
      () => false,
    );
    if (stored) {
      settled();
      return { kind: 'duplicate' };
    }
    return { kind: 'first', settled };
  }

  private forget(client: Client, messageId: number | undefined): void {
    if (messageId === undefined) return;
    this.inFlight.get(client)?.delete(messageId);
  }
}
