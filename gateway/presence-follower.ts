import type { Consumer, Kafka } from 'kafkajs';
import { presenceRecordSchema } from '../contracts/index.js';

/**
 * Follows `iot.presence` from now on and remembers when each device last connected to another
 * gateway. A connection this gateway still holds may be stale (the device's network dropped and it
 * reconnected elsewhere before our keepalive ran out); its late "disconnected" must not become the
 * latest presence record of a device that is connected somewhere else.
 */
export class PresenceFollower {
  private readonly elsewhere = new Map<string, number>();
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly gatewayId: string,
  ) {}

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 100 });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: ({ message }) => {
        let json: unknown;
        try {
          json = JSON.parse(message.value?.toString() ?? 'null');
        } catch {
          return Promise.resolve();
        }
        const parsed = presenceRecordSchema.safeParse(json);
        if (
          parsed.success &&
          parsed.data.status === 'connected' &&
          parsed.data.gatewayId !== this.gatewayId
        ) {
          this.elsewhere.set(parsed.data.deviceId, parsed.data.at);
        }
        return Promise.resolve();
      },
    });
  }

  /** Whether the device connected to another gateway after `since` (ms). */
  connectedElsewhereSince(deviceId: string, since: number): boolean {
    return (this.elsewhere.get(deviceId) ?? 0) > since;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
