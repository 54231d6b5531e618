import { randomUUID } from 'node:crypto';
import type { AlertRecord, PresenceRecord, TelemetryRecord } from '../../contracts/index.js';
import type { Logger } from '../../common/logger.js';
import { UNMONITORED, type ConsumerMonitor } from '../../common/kafka/consumer-monitor.js';
import type {
  ConsumedRecord,
  FollowFrom,
  FollowHandler,
  Following,
  KafkaPort,
} from '../../common/kafka/port.js';
import { decodeRecord, type DecodedValue } from '../../common/kafka/record-codec.js';

export interface FleetFeedHandlers {
  presence(record: PresenceRecord): void;
  alert(record: AlertRecord): void;
  telemetry(record: TelemetryRecord): void;
  invalid(topic: string, reason: string): void;
}

export interface FleetFeedOptions {
  kafka: KafkaPort;
  topics: { presence: string; alerts: string; telemetry: string };
  topicPrefix: string;
  logger: Logger;
  /** Longest wait for the state topics to be read at start. */
  catchUpTimeoutMs: number;
  monitor?: ConsumerMonitor;
}

/**
 * The fleet's Kafka side, for this process alone (consumer groups of its own, nothing committed):
 * presence and alerts read from the beginning, since the state is their history; telemetry from
 * the latest offset, since every hub needs every device's live readings for its consoles.
 */
export class FleetFeed {
  private readonly following: Following[] = [];
  private readonly monitor: ConsumerMonitor;

  constructor(private readonly o: FleetFeedOptions) {
    this.monitor = o.monitor ?? UNMONITORED;
  }

  /** Resolves once presence and alerts that existed at start are read, and telemetry is followed. */
  async start(handlers: FleetFeedHandlers): Promise<void> {
    const { topics, logger } = this.o;
    // Every record of a kind decoded, and handed on or counted as invalid.
    const each =
      <K extends 'presence' | 'alerts' | 'telemetry'>(
        kind: K,
        handle: (value: DecodedValue<K>) => void,
      ): ((record: ConsumedRecord) => void) =>
      ({ topic, message }) => {
        const decoded = decodeRecord(kind, message);
        if (decoded.ok) return handle(decoded.value);
        this.monitor.skipped(topic, decoded.code);
        handlers.invalid(topic, decoded.reason);
      };
    const presence = each('presence', (record) => handlers.presence(record));
    const alert = each('alerts', (record) => handlers.alert(record));
    const state = await this.follow(
      'fleet-state',
      'hub-fleet',
      [topics.presence, topics.alerts],
      'beginning',
      {
        eachRecord: (record) => (record.topic === topics.presence ? presence(record) : alert(record)),
      },
    );
    await this.follow('fleet-telemetry', 'hub-fleet-telemetry', [topics.telemetry], 'now', {
      batched: true,
      eachRecord: each('telemetry', (record) => handlers.telemetry(record)),
    });

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.o.catchUpTimeoutMs);
    });
    const late = await Promise.race([state.caughtUp.then(() => false), timedOut]);
    clearTimeout(timer);
    if (late)
      logger.warn(
        { partitions: state.pending, waitedMs: this.o.catchUpTimeoutMs },
        'fleet state not fully read at start; serving it as it fills in',
      );
  }

  async stop(): Promise<void> {
    await Promise.all(this.following.map((f) => f.stop()));
  }

  // A telemetry fetch is busy and wants little latency; the state topics are quiet.
  private async follow(
    name: string,
    group: string,
    topics: string[],
    from: FollowFrom,
    handler: FollowHandler,
  ): Promise<Following> {
    const following = await this.o.kafka.follow({
      name,
      group: `${this.o.topicPrefix}.${group}.${randomUUID()}`,
      topics,
      from,
      handler,
      maxWaitMs: from === 'now' ? 100 : 250,
      monitor: this.monitor,
      logger: this.o.logger,
    });
    this.following.push(following);
    return following;
  }
}
