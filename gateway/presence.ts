import type { Aedes, Client } from 'aedes';
import type { PresenceRecord, kafkaTopicNames } from '../contracts/index.js';
import type { Logger } from '../common/logger.js';
import type { RecordBatcher } from '../common/kafka/record-batcher.js';
import { encodeRecord } from '../common/kafka/record-codec.js';
import type { GatewayMetrics } from './metrics.js';

export type DisconnectReason = 'clean' | 'keepalive-timeout' | 'connection-lost' | 'gateway-shutdown';

export interface PresenceOptions {
  gatewayId: string;
  topics: ReturnType<typeof kafkaTopicNames>;
}

/**
 * Writes `iot.presence` records for device connections on this gateway. Only the connection
 * that currently holds a device id speaks for it, so a session taken over by a newer
 * connection cannot announce a disconnect after the newer connect.
 */
export class PresenceTracker {
  private readonly current = new Map<string, Client>();
  private readonly reasons = new WeakMap<Client, DisconnectReason>();
  private readonly connectedAt = new WeakMap<Client, number>();
  // Connections that closed between CONNACK and aedes's 'clientReady' (which comes after the
  // session is restored): their 'clientDisconnect' arrives first.
  private readonly goneBeforeReady = new WeakSet<Client>();
  private shuttingDown = false;
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly broker: Aedes,
    private readonly batcher: RecordBatcher,
    private readonly options: PresenceOptions,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly elsewhere?: { connectedElsewhereSince(deviceId: string, since: number): boolean },
  ) {}

  start(): void {
    this.broker.on('clientReady', (client) => {
      const closed =
        this.goneBeforeReady.has(client) || (client as Client & { closed?: boolean }).closed === true;
      const holder = this.current.get(client.id);
      // A newer connection of the device already speaks for it: this one has nothing to say.
      if (closed && holder !== undefined && holder !== client) return;
      this.current.set(client.id, client);
      this.connectedAt.set(client, this.now());
      this.metrics.connections.set(this.current.size);
      this.metrics.connectsTotal.inc();
      this.write(client.id, 'connected');
      if (closed) this.disconnected(client);
    });
    this.broker.on('keepaliveTimeout', (client) => this.reasons.set(client, 'keepalive-timeout'));
    this.broker.on('clientError', (client, error) => {
      if (!this.reasons.has(client)) this.reasons.set(client, 'connection-lost');
      this.logger.debug({ deviceId: client.id, err: error.message }, 'client error');
    });
    this.broker.on('clientDisconnect', (client) => {
      if (this.current.get(client.id) !== client) {
        if (!this.connectedAt.has(client)) this.goneBeforeReady.add(client);
        return;
      }
      this.disconnected(client);
    });
  }

  private disconnected(client: Client): void {
    this.current.delete(client.id);
    this.metrics.connections.set(this.current.size);
    const flagged = (client as Client & { _disconnected?: boolean })._disconnected;
    const reason: DisconnectReason = this.shuttingDown
      ? 'gateway-shutdown'
      : flagged
        ? 'clean'
        : (this.reasons.get(client) ?? 'connection-lost');
    if (this.elsewhere?.connectedElsewhereSince(client.id, this.connectedAt.get(client) ?? 0)) {
      this.logger.debug(
        { deviceId: client.id, reason },
        'stale connection closed; the device is connected to another gateway',
      );
      return;
    }
    this.write(client.id, 'disconnected', reason);
  }

  /** Marks the disconnects that follow as caused by this gateway stopping. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Resolves when every presence record written so far is acknowledged by Kafka. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private write(deviceId: string, status: PresenceRecord['status'], reason?: DisconnectReason): void {
    const value: PresenceRecord = {
      deviceId,
      status,
      gatewayId: this.options.gatewayId,
      at: this.now(),
      ...(reason ? { reason } : {}),
    };
    const sent = this.batcher
      .enqueue(encodeRecord('presence', value, this.options))
      .catch((error: unknown) =>
        this.logger.error({ err: error, deviceId, status }, 'presence record not written'),
      )
      .finally(() => this.pending.delete(sent));
    this.pending.add(sent);
  }
}
