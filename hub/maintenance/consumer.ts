import type { Logger } from '../../common/logger.js';
import { UNMONITORED, type ConsumerMonitor } from '../../common/kafka/consumer-monitor.js';
import type { GroupBatch, GroupReader, KafkaPort } from '../../common/kafka/port.js';
import type { DevicePool } from './device-pool.js';
import type { MaintenancePipeline } from './pipeline.js';

export interface ConsumerOptions {
  kafka: KafkaPort;
  groupId: string;
  topic: string;
  pipeline: MaintenancePipeline;
  pool: DevicePool;
  /** How often state is saved and offsets committed. */
  checkpointIntervalMs: number;
  sessionTimeoutMs: number;
  /** Time a batch in progress gets to finish when the consumer stops. */
  stopGraceMs: number;
  logger: Logger;
  monitor?: ConsumerMonitor;
  now?: () => number;
}

/**
 * The consumer-group side of maintenance: several hub processes share the telemetry partitions.
 * Offsets are resolved when a batch is stored and committed only together with a checkpoint of
 * device state, so whoever reads a partition next resumes from state and offsets that agree.
 */
export class MaintenanceConsumer {
  private readonly reader: GroupReader;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private inFlight: Promise<void> | null = null;
  private stopping = false;
  /** False once a batch was abandoned: then nothing more may be committed by this process. */
  private clean = true;
  private running = false;
  private lastCheckpointMs: number;
  private readonly partitionOf = new Map<string, number>();
  /** Next offset to commit per partition, for batches stored since the last commit. */
  private readonly pending = new Map<number, string>();

  constructor(private readonly o: ConsumerOptions) {
    this.now = o.now ?? Date.now;
    this.lastCheckpointMs = this.now();
    this.reader = o.kafka.groupReader({
      name: 'maintenance',
      group: o.groupId,
      topic: o.topic,
      sessionTimeoutMs: o.sessionTimeoutMs,
      eachBatch: (batch) => this.onBatch(batch),
      onJoin: (partitions) => this.joined(partitions),
      monitor: o.monitor ?? UNMONITORED,
      logger: o.logger,
    });
  }

  private joined(partitions: readonly number[]): void {
    const assigned = new Set(partitions);
    const lost = [...this.partitionOf].filter(([, p]) => !assigned.has(p)).map(([id]) => id);
    // Another process may now own these devices; their state here would go stale.
    this.o.pool.evict(lost);
    for (const id of lost) this.partitionOf.delete(id);
    // A new generation restarts every partition from its committed offset.
    this.pending.clear();
    this.o.logger.info(
      { partitions: [...assigned], evicted: lost.length },
      'maintenance consumer joined the group',
    );
  }

  /** Joins the group; may be called again after it rejected. */
  async start(): Promise<void> {
    await this.reader.start();
    this.running = true;
  }

  /** Lets a batch in progress finish (or abandons it after the grace time), saves state, commits, leaves. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.running) this.reader.pause();
    const inFlight = this.inFlight;
    if (inFlight !== null) {
      const finished = await Promise.race([
        inFlight.then(
          () => true,
          () => true,
        ),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), this.o.stopGraceMs).unref()),
      ]);
      if (!finished) this.abort.abort(new Error('maintenance consumer stopping'));
      await inFlight.catch(() => undefined);
    }
    if (this.running && this.clean) await this.finalCheckpoint();
    await this.reader.stop();
    this.running = false;
  }

  private async finalCheckpoint(): Promise<void> {
    try {
      await this.o.pipeline.checkpoint({
        signal: AbortSignal.timeout(this.o.stopGraceMs),
        beforeWait: () => Promise.resolve(),
      });
      await this.commitPending();
    } catch (error) {
      this.o.logger.warn(
        { err: error },
        'final checkpoint failed; the next owner replays since the last one',
      );
    }
  }

  private async commitPending(): Promise<void> {
    if (this.pending.size === 0) return;
    const offsets = [...this.pending].map(([partition, offset]) => ({ partition, offset }));
    if (!(await this.reader.commit(offsets))) return;
    for (const { partition, offset } of offsets) {
      if (this.pending.get(partition) === offset) this.pending.delete(partition);
    }
  }

  private async onBatch(batch: GroupBatch): Promise<void> {
    const last = batch.messages[batch.messages.length - 1];
    if (this.stopping || last === undefined || !batch.isRunning() || batch.isStale()) return;
    const work = this.handle(batch, last.offset);
    this.inFlight = work;
    try {
      await work;
    } catch (error) {
      if (this.abort.signal.aborted) {
        this.clean = false;
        this.o.logger.warn({ partition: batch.partition }, 'batch abandoned at stop; it will be replayed');
        return;
      }
      throw error;
    } finally {
      this.inFlight = null;
    }
  }

  private async handle(batch: GroupBatch, lastOffset: string): Promise<void> {
    const waiting = { signal: this.abort.signal, beforeWait: () => batch.heartbeat() };
    await this.o.pipeline.process(batch.messages, waiting);
    for (const m of batch.messages) {
      const key = m.key?.toString();
      if (key !== undefined) this.partitionOf.set(key, batch.partition);
    }
    batch.resolveOffset(lastOffset);
    this.pending.set(batch.partition, (BigInt(lastOffset) + 1n).toString());
    if (this.now() - this.lastCheckpointMs >= this.o.checkpointIntervalMs) {
      await this.o.pipeline.checkpoint(waiting);
      await this.commitPending();
      this.lastCheckpointMs = this.now();
    }
    await batch.heartbeat();
  }
}
