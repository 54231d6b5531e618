import type { Logger } from '../../common/logger.js';
import type { KafkaConsumerMonitor } from '../../common/kafka/consumer-monitor.js';
import type { BatcherObserver } from '../../common/kafka/record-batcher.js';
import type { HealthFragment } from '../../common/process/feature.js';
import type { GatewayMetrics } from '../metrics.js';

export type KafkaState = 'connected' | 'disconnected' | 'failing';

/**
 * The gateway's view of Kafka, from the producer's connection events and the batcher's sends: a
 * failed send makes it `failing`; a send that goes through, or the producer connecting, makes it
 * `connected` again.
 */
export class KafkaHealth {
  private state: KafkaState;
  private lastSendError: string | undefined;

  constructor(
    connected: boolean,
    private readonly metrics: GatewayMetrics,
    private readonly consumers: KafkaConsumerMonitor,
    private readonly log: Logger,
  ) {
    this.state = connected ? 'connected' : 'disconnected';
    metrics.kafkaConnected.set(1);
  }

  connection(connected: boolean): void {
    this.state = connected ? 'connected' : 'disconnected';
  }

  /** What the batcher reports, counted in metrics and turned into this state. */
  observer(): BatcherObserver {
    const { metrics, log } = this;
    return {
      onBatchSent: (records, seconds) => {
        this.state = 'connected';
        this.lastSendError = undefined;
        metrics.kafkaConnected.set(1);
        metrics.sendDuration.observe(seconds);
        metrics.batchSize.observe(records.length);
        // Counted by runs of one topic: a batch is mostly telemetry, so this is one inc per batch.
        let runStart = 0;
        for (let i = 1; i <= records.length; i++) {
          const topic = records[runStart]?.topic;
          if (topic === undefined || records[i]?.topic === topic) continue;
          metrics.recordsProduced.inc({ topic }, i - runStart);
          runStart = i;
        }
      },
      onBatchFailed: (error, attempt, retryInMs) => {
        this.state = 'failing';
        this.lastSendError = error instanceof Error ? error.message : String(error);
        metrics.kafkaConnected.set(0);
        metrics.sendFailures.inc();
        log.warn({ err: this.lastSendError, attempt, retryInMs }, 'Kafka send failed; retrying');
      },
      onRejected: (record, error) => {
        metrics.recordsRejected.inc({ topic: record.topic, reason: error.reason });
        log.warn(
          { topic: record.topic, key: record.key, err: error.message },
          'Kafka record rejected for good',
        );
      },
    };
  }

  health(): HealthFragment {
    const consumers = this.consumers.report();
    return {
      healthy: this.state === 'connected' && consumers.healthy,
      kafka: {
        state: this.state,
        ...(this.lastSendError ? { lastError: this.lastSendError } : {}),
        consumers: consumers.consumers,
      },
    };
  }
}
