import type { Kafka } from 'kafkajs';
import { decodeJson, presenceRecordSchema } from '../contracts/index.js';
import type { Logger } from '../common/logger.js';
import type { ConsumerMonitor } from '../common/kafka/consumer-monitor.js';
import { SupervisedConsumer } from '../common/kafka/supervised-consumer.js';

/**
 * Follows `iot.presence` from now on and remembers when each device last connected to another
 * gateway. A connection this gateway still holds may be stale (the device's network dropped and it
 * reconnected elsewhere before our keepalive ran out); its late "disconnected" must not become the
 * latest presence record of a device that is connected somewhere else.
 */
export class PresenceFollower {
  private readonly elsewhere = new Map<string, number>();
  private readonly consumer: SupervisedConsumer;

  constructor(
    kafka: Kafka,
    topic: string,
    groupId: string,
    private readonly gatewayId: string,
    monitor: ConsumerMonitor,
    logger: Logger,
  ) {
    this.consumer = new SupervisedConsumer({
      name: 'presence',
      create: (config) => kafka.consumer(config),
      config: { groupId, maxWaitTimeInMs: 100 },
      subscription: { topics: [topic], fromBeginning: false },
      run: { autoCommit: false },
      consume: {
        eachRecord: ({ topic: from, message }) => {
          if (message.value === null) return monitor.skipped(from, 'no_value');
          const parsed = decodeJson(presenceRecordSchema, message.value ?? 'null');
          if (!parsed.ok) return monitor.skipped(from, parsed.code);
          if (parsed.value.status === 'connected' && parsed.value.gatewayId !== this.gatewayId) {
            this.elsewhere.set(parsed.value.deviceId, parsed.value.at);
          }
        },
      },
      monitor,
      logger,
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  /** Whether the device connected to another gateway after `since` (ms). */
  connectedElsewhereSince(deviceId: string, since: number): boolean {
    return (this.elsewhere.get(deviceId) ?? 0) > since;
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
