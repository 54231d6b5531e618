import type { InfluxDB, IPoint } from 'influx';
import { classifyWriteError } from './errors.js';

export interface WriteOutcome {
  written: number;
  /** Points older than the retention policy: InfluxDB would refuse them, so they are not sent. */
  droppedBeyondRetention: number;
  /** Points InfluxDB refused (partial writes, or a request it could not parse). */
  droppedRejected: number;
  /** What InfluxDB said when it refused points, for the log. */
  reasons: string[];
}

export interface PointWriterOptions {
  database: string;
  retentionPolicy: string;
  /** Age beyond which InfluxDB refuses a point; Infinity for an infinite policy. */
  retentionMs: number;
  maxPointsPerRequest: number;
  now?: () => number;
}

/**
 * Writes points to one retention policy of InfluxDB in requests of bounded size. A point
 * InfluxDB will never accept is dropped and counted rather than retried forever; anything
 * else that fails is thrown as a retriable InfluxWriteError.
 */
export class PointWriter {
  private readonly now: () => number;

  constructor(
    private readonly influx: InfluxDB,
    private readonly o: PointWriterOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  async write(points: readonly IPoint[]): Promise<WriteOutcome> {
    // A minute of slack: InfluxDB measures the age itself, a little later than this.
    const oldest = this.now() - this.o.retentionMs + 60_000;
    const kept = points.filter((p) => typeof p.timestamp !== 'number' || p.timestamp >= oldest);
    const outcome: WriteOutcome = {
      written: 0,
      droppedBeyondRetention: points.length - kept.length,
      droppedRejected: 0,
      reasons: [],
    };
    for (let i = 0; i < kept.length; i += this.o.maxPointsPerRequest) {
      const chunk = kept.slice(i, i + this.o.maxPointsPerRequest);
      try {
        await this.influx.writePoints(chunk, {
          database: this.o.database,
          retentionPolicy: this.o.retentionPolicy,
          precision: 'ms',
        });
        outcome.written += chunk.length;
      } catch (error) {
        const response = classifyWriteError(error);
        if (response.kind === 'failed' && response.error.retriable) throw response.error;
        const dropped = response.kind === 'partial' ? response.dropped : chunk.length;
        const reason = response.kind === 'partial' ? response.reason : response.error.message;
        if (/beyond retention/.test(reason)) outcome.droppedBeyondRetention += dropped;
        else outcome.droppedRejected += dropped;
        outcome.written += chunk.length - dropped;
        outcome.reasons.push(reason);
      }
    }
    return outcome;
  }
}
