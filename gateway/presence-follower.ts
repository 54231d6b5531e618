import type { Logger } from '../common/logger.js';
import type { ConsumerMonitor } from '../common/kafka/consumer-monitor.js';
import type { ConsumedRecord, Following, KafkaPort } from '../common/kafka/port.js';
import { decodeRecord } from '../common/kafka/record-codec.js';

/**
 * Follows `iot.presence` from now on and remembers when each device last connected to another
 * gateway. A connection this gateway still holds may be stale (the device's network dropped and it
 * reconnected elsewhere before our keepalive ran out); its late "disconnected" must not become the
 * latest presence record of a device that is connected somewhere else.
 */
/** About 300 presence records: at most 100 ms later, which a moved device's old connection can wait. */
const PRESENCE_FETCH_MIN_BYTES = 64 * 1024;

export class PresenceFollower {
  private readonly elsewhere = new Map<string, number>();
  private following: Following | undefined;

  constructor(
    private readonly kafka: KafkaPort,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly gatewayId: string,
    private readonly monitor: ConsumerMonitor,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.following = await this.kafka.follow({
      name: 'presence',
      group: this.groupId,
      topics: [this.topic],
      from: 'now',
      handler: { eachRecord: (record) => this.read(record) },
      maxWaitMs: 100,
      // Every worker and gateway reads every presence record; in a reconnect storm that is
      // thousands a second, which at one fetch per few records cost a fifth of a worker's CPU.
      minBytes: PRESENCE_FETCH_MIN_BYTES,
      monitor: this.monitor,
      logger: this.logger,
    });
  }

  /** Whether the device connected to another gateway after `since` (ms). */
  connectedElsewhereSince(deviceId: string, since: number): boolean {
    return (this.elsewhere.get(deviceId) ?? 0) > since;
  }

  async stop(): Promise<void> {
    await this.following?.stop();
  }

  private read({ topic, message }: ConsumedRecord): void {
    const decoded = decodeRecord('presence', message);
    if (!decoded.ok) return this.monitor.skipped(topic, decoded.code);
    if (decoded.value.status === 'connected' && decoded.value.gatewayId !== this.gatewayId) {
      this.elsewhere.set(decoded.value.deviceId, decoded.value.at);
    }
  }
}
