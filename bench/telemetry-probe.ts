import type { Consumer, Kafka } from 'kafkajs';
import { tagOf } from './devices.js';
import { LatencyHistogram } from './latency.js';

export interface PhaseTally {
  consumed: number;
  /** Device send time (`ts` in the payload) to this consumer's receipt. */
  deviceToConsumer: LatencyHistogram;
  /** Device send time to the gateway's `receivedAt`. */
  deviceToGateway: LatencyHistogram;
}

/** A kafkajs consumer in the bench process tallying telemetry records per device-id tag. */
export class TelemetryProbe {
  private readonly tallies = new Map<string, PhaseTally>();

  private constructor(private readonly consumer: Consumer) {}

  /** Resolves once the consumer has joined its group and owns the topic's partitions. */
  static async start(
    kafka: Kafka,
    topic: string,
    groupId: string,
    timeoutMs = 30_000,
  ): Promise<TelemetryProbe> {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, sessionTimeout: 30_000 });
    const probe = new TelemetryProbe(consumer);
    let onJoin: (() => void) | undefined;
    const joined = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`probe did not join ${groupId} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      onJoin = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    consumer.on(consumer.events.GROUP_JOIN, () => onJoin?.());
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachBatch: ({ batch }) => {
          probe.take(batch.messages, Date.now());
          return Promise.resolve();
        },
      });
      await joined;
    } catch (error) {
      await consumer.disconnect();
      throw error;
    }
    return probe;
  }

  /** The tally of the devices tagged `tag`; records of tags nobody asked for are ignored. */
  tally(tag: string): PhaseTally {
    let tally = this.tallies.get(tag);
    if (!tally) {
      tally = {
        consumed: 0,
        deviceToConsumer: new LatencyHistogram(),
        deviceToGateway: new LatencyHistogram(),
      };
      this.tallies.set(tag, tally);
    }
    return tally;
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }

  private take(messages: { key: Buffer | null; value: Buffer | null }[], receivedAt: number): void {
    for (const message of messages) {
      const tally = this.tallies.get(tagOf(message.key?.toString() ?? ''));
      if (!tally || !message.value) continue;
      tally.consumed++;
      const { ts, receivedAt: atGateway } = JSON.parse(message.value.toString()) as {
        ts?: unknown;
        receivedAt?: unknown;
      };
      if (typeof ts !== 'number') continue;
      tally.deviceToConsumer.record(receivedAt - ts);
      if (typeof atGateway === 'number') tally.deviceToGateway.record(atGateway - ts);
    }
  }
}
