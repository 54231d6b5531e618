import { Counter, Gauge, type Registry } from 'prom-client';

export type ConsumerState = 'starting' | 'running' | 'restarting' | 'stopped';

export interface ConsumerHealth {
  state: ConsumerState;
  /** Times the consumer was rebuilt after a crash since the process started. */
  restarts: number;
  /** Why it last crashed or failed to come back; cleared when it runs again. */
  lastError?: string;
}

/**
 * Why a record was passed over. A closed set, since it is a metric label: `invalid_json` and
 * `invalid_payload` are the codes of contracts' decodeJson, `handler_error` an exception caught at
 * the consumer boundary.
 */
export type SkipReason =
  | 'schema_mismatch'
  | 'no_key'
  | 'no_value'
  | 'key_mismatch'
  | 'invalid_json'
  | 'invalid_payload'
  | 'handler_error';

/** What Kafka consumers report to their process: records they skipped, restarts, their state. */
export interface ConsumerMonitor {
  skipped(topic: string, reason: SkipReason): void;
  restarted(consumer: string): void;
  changed(consumer: string, health: ConsumerHealth): void;
}

/** For tools and tests that read Kafka without exposing metrics or health. */
export const UNMONITORED: ConsumerMonitor = {
  skipped: () => undefined,
  restarted: () => undefined,
  changed: () => undefined,
};

export interface ConsumersReport {
  /** False while any consumer has crashed and is not back yet, or was stopped. */
  healthy: boolean;
  consumers: Record<string, ConsumerHealth>;
}

/**
 * The process's view of its Kafka consumers: `{prefix}_kafka_records_skipped_total{topic,reason}`,
 * `{prefix}_kafka_consumer_restarts_total{consumer}`, `{prefix}_kafka_consumer_up{consumer}`, and
 * the state each one reported last, for /healthz.
 */
export class KafkaConsumerMonitor implements ConsumerMonitor {
  private readonly states = new Map<string, ConsumerHealth>();
  private readonly skippedTotal: Counter<'topic' | 'reason'>;
  private readonly restartsTotal: Counter<'consumer'>;
  private readonly up: Gauge<'consumer'>;

  constructor(prefix: string, registry: Registry) {
    const registers = [registry];
    this.skippedTotal = new Counter({
      name: `${prefix}_kafka_records_skipped_total`,
      help: 'Kafka records read and passed over because they could not be used, by topic and reason',
      labelNames: ['topic', 'reason'] as const,
      registers,
    });
    this.restartsTotal = new Counter({
      name: `${prefix}_kafka_consumer_restarts_total`,
      help: 'Kafka consumers rebuilt after they crashed, by consumer',
      labelNames: ['consumer'] as const,
      registers,
    });
    this.up = new Gauge({
      name: `${prefix}_kafka_consumer_up`,
      help: '1 while a Kafka consumer runs, 0 while it starts, restarts or is stopped, by consumer',
      labelNames: ['consumer'] as const,
      registers,
    });
  }

  skipped(topic: string, reason: SkipReason): void {
    this.skippedTotal.inc({ topic, reason });
  }

  restarted(consumer: string): void {
    this.restartsTotal.inc({ consumer });
  }

  changed(consumer: string, health: ConsumerHealth): void {
    this.states.set(consumer, { ...health });
    this.up.set({ consumer }, health.state === 'running' ? 1 : 0);
  }

  report(): ConsumersReport {
    const consumers = Object.fromEntries(this.states);
    const healthy = [...this.states.values()].every((h) => h.state === 'running' || h.state === 'starting');
    return { healthy, consumers };
  }
}
