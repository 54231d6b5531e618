import type { Aedes } from 'aedes';
import type { KafkaFeature } from '../../common/kafka/kafka-feature.js';
import { RecordBatcher } from '../../common/kafka/record-batcher.js';
import { batchBytesFor } from '../../common/kafka/record-limits.js';
import type { Feature, HealthFragment } from '../../common/process/feature.js';
import { deviceAdmission } from '../admission/device-admission.js';
import { createDeviceBroker, type DeviceBrokerDeps } from '../broker/device-broker.js';
import type { GatewayContext } from '../context.js';
import type { RegistrySync } from '../registry-sync.js';
import { KafkaHealth } from './kafka-health.js';

/** The largest batch in bytes: under the request limit and every topic's, with room for framing. */
const BATCH_BYTES_CEILING = 900_000;

/**
 * Device messages to Kafka: the batcher that sends them, the broker whose hooks validate and
 * forward them (its acknowledgements wait for Kafka's), and the Kafka health both report.
 */
export class UplinkFeature implements Feature {
  readonly name = 'uplink';
  private started: { batcher: RecordBatcher; broker: Aedes; kafka: KafkaHealth } | undefined;

  constructor(
    private readonly ctx: GatewayContext,
    private readonly kafka: KafkaFeature,
    private readonly registry: RegistrySync | undefined,
    /** The downlink's view of commands, asked for when the broker is built. */
    private readonly commands: () => DeviceBrokerDeps['commands'],
  ) {}

  get batcher(): RecordBatcher {
    return this.running().batcher;
  }

  get broker(): Aedes {
    return this.running().broker;
  }

  async start(): Promise<void> {
    const { config, gatewayId, log, metrics, boundary } = this.ctx;
    const { producer, topics, limits } = this.kafka.connection;
    const kafka = new KafkaHealth(producer.connected, metrics, metrics.kafkaConsumers, log);
    producer.onConnection((connected) => kafka.connection(connected));
    const g = config.gateway;
    const batcher = new RecordBatcher(
      producer,
      {
        lingerMs: g.lingerMs,
        maxBatchRecords: g.maxBatchRecords,
        maxBatchBytes: batchBytesFor(
          [topics.telemetry, topics.events, topics.presence, topics.commandStatus, topics.deadLetter],
          limits,
          BATCH_BYTES_CEILING,
        ),
        limits,
        maxBestEffortBytes: g.qos0BufferBytes,
        retryBackoff: { initialMs: 100, maxMs: 5_000, factor: 2, jitter: 0.2 },
      },
      { ...kafka.observer(), onCallbackFailed: (error) => boundary.failed('batcher_callback', error) },
    );
    metrics.readBytesInFlightFrom(() => batcher.bytesQueued);
    const admission = deviceAdmission(g, this.registry?.view, log);
    const broker = await createDeviceBroker(
      {
        gatewayId,
        topics,
        maxPayloadBytes: g.maxPayloadBytes,
        maxInflightBytes: g.maxInflightBytes,
        connectTimeoutMs: g.connectTimeoutMs,
        drainTimeoutMs: g.drainTimeoutMs,
        keepaliveLimitS: 3600,
        deadLetter: { maxPayloadBytes: g.deadLetterMaxPayloadBytes, limits },
        jsonLimits: {
          maxDepth: g.jsonMaxDepth,
          maxNodes: g.jsonMaxNodes,
          maxArrayLength: g.jsonMaxArrayLength,
          maxStringLength: g.jsonMaxStringLength,
          maxKeyLength: g.jsonMaxKeyLength,
        },
      },
      {
        batcher,
        authenticator: admission.authenticator,
        metrics,
        logger: log.child({ component: 'broker' }),
        boundary,
        admitConnect: (clientId) => admission.admitConnect(clientId),
        commands: this.commands(),
      },
    );
    this.started = { batcher, broker, kafka };
  }

  health(): HealthFragment {
    if (!this.started) return { healthy: false };
    const { kafka, batcher } = this.started;
    return { ...kafka.health(), queuedRecords: batcher.recordsQueued, queuedBytes: batcher.bytesQueued };
  }

  /** After the admission drained the broker this finds nothing left; after a failed start it cleans up. */
  async stop(): Promise<void> {
    if (!this.started) return;
    const { broker, batcher } = this.started;
    if (!broker.closed) await new Promise<void>((resolve) => broker.close(() => resolve()));
    await batcher.close(0);
  }

  private running(): NonNullable<UplinkFeature['started']> {
    if (this.started === undefined) throw new Error('the uplink is not started');
    return this.started;
  }
}
